// The accepted answer's fix: one refresh promise shared by every 401 of this tab while it is
// pending; each failed request then retries once. Other tabs have their own promise.
import { createHttp, installBench, refreshTokens } from './burst.js';

const http = createHttp();
let pendingRefresh = null;

http.interceptors.response.use((response) => response, async (error) => {
  const originalRequest = error.config;
  if (error.response?.status === 401 && originalRequest && !originalRequest._retry) {
    originalRequest._retry = true;
    pendingRefresh ??= refreshTokens(http, { _retry: true }).finally(() => {
      pendingRefresh = null;
    });
    await pendingRefresh;
    return http(originalRequest);
  }
  return Promise.reject(error);
});

installBench(http, 'shared-promise');
