// The app: plain fetch, the CSRF header from the cookie, no refresh logic.
const csrf = () => (document.cookie.match(/(?:^|; )csrf_access_token=([^;]*)/) || [])[1] || '';
const counts = { loads: 0, succeeded: 0, failed: 0 };
const show = () => {
  for (const [id, value] of Object.entries(counts)) document.getElementById(id).textContent = String(value);
};

async function logIn() {
  await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'pwa' }) });
}

async function loadDashboard() {
  const calls = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
    ? fetch(`/api/items?n=${i % 5}`)
    : fetch('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() }, body: JSON.stringify({ panel: i }) })));
  const answers = await Promise.allSettled(calls);
  const ok = answers.filter((answer) => answer.status === 'fulfilled' && answer.value.ok).length;
  counts.succeeded += ok;
  counts.failed += answers.length - ok;
  counts.loads += 1;
  show();
}

document.getElementById('login').addEventListener('click', logIn);
document.getElementById('status').textContent = 'ready';
document.getElementById('dashboard').addEventListener('click', loadDashboard);
