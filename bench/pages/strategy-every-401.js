// The interceptor of the classic Stack Overflow question ("automating access token refreshing
// via interceptors in axios"): every 401 starts its own refresh, then retries once (_retry).
// The refresh call carries _retry too: without it a refused refresh would refresh again forever.
import { createHttp, installBench, refreshTokens } from './burst.js';

const http = createHttp();

http.interceptors.response.use((response) => response, async (error) => {
  const originalRequest = error.config;
  if (error.response?.status === 401 && originalRequest && !originalRequest._retry) {
    originalRequest._retry = true;
    await refreshTokens(http, { _retry: true });
    return http(originalRequest);
  }
  return Promise.reject(error);
});

installBench(http, 'every-401');
