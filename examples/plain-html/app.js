// A plain app of the flask-jwt-extended kind, written the naive way: fetch with the CSRF header
// from the cookie, no refresh logic. A 401 is shown as an error, as such an app does.
(() => {
  const csrf = () => (document.cookie.match(/(?:^|; )csrf_access_token=([^;]*)/) || [])[1] || '';
  const asJson = async (response) => {
    if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
    return response.json();
  };
  const api = {
    login: (username) => fetch('/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }),
    }).then(asJson),
    whoami: () => fetch('/api/whoami').then(asJson),
    items: (page) => fetch(`/api/items?n=${page}`).then(asJson),
    saveNote: (note) => fetch('/api/echo', {
      method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() }, body: JSON.stringify({ note }),
    }).then(asJson),
  };

  // The dashboard: several requests at once, as a page does when it loads its panels.
  async function loadDashboard(pages = 3) {
    const results = await Promise.allSettled([
      api.whoami(),
      ...Array.from({ length: pages }, (_, page) => api.items(page)),
      api.saveNote(`seen at ${new Date().toISOString()}`),
    ]);
    const failed = results.filter((result) => result.status === 'rejected');
    document.getElementById('errors').textContent = failed.map((result) => result.reason.message).join('; ');
    const [who, ...rest] = results;
    if (who.status === 'fulfilled') document.getElementById('who').textContent = `logged in as ${who.value.user}`;
    document.getElementById('items').replaceChildren(...rest.filter((r) => r.status === 'fulfilled').map((r) => {
      const li = document.createElement('li');
      li.textContent = JSON.stringify(r.value);
      return li;
    }));
    return { requests: results.length, failed: failed.length };
  }

  document.getElementById('login').addEventListener('click', () => api.login('plain-html').then(() => loadDashboard()));
  document.getElementById('refresh-dashboard').addEventListener('click', () => loadDashboard());
  window.ordersApp = { login: api.login, loadDashboard };
})();
