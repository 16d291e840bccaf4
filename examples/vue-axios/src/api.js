// The app's API client, as the seed wrote it: axios sets X-CSRF-TOKEN from the cookie (as
// flask-jwt-extended's docs suggest), and the classic refresh-on-401 interceptor retries each
// failed request after a refresh of its own. Kept unchanged: with the broker no 401 reaches it.
import axios from 'axios';
import { reactive } from 'vue';

export const http = axios.create({ xsrfCookieName: 'csrf_access_token', xsrfHeaderName: 'X-CSRF-TOKEN' });

/** How often the interceptor refreshed: shown on the page. */
export const interceptorStats = reactive({ refreshes: 0 });

const refresh = () => http.post('/token/refresh', null, { xsrfCookieName: 'csrf_refresh_token', _retry: true });

http.interceptors.response.use((response) => response, async (error) => {
  const original = error.config;
  if (error.response?.status === 401 && original && !original._retry) {
    original._retry = true;
    interceptorStats.refreshes += 1;
    await refresh();
    return http(original);
  }
  return Promise.reject(error);
});
