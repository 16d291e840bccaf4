// axios-auth-refresh 5 as its README shows it, with its defaults (statusCodes [401],
// deduplicateRefresh, maxRetries 3): one refresh per axios instance at a time, requests
// stalled meanwhile. The refresh call goes through the same (paused) instance, as in the README.
import createAuthRefresh from 'axios-auth-refresh';
import { createHttp, installBench, refreshTokens } from './burst.js';

const http = createHttp();
createAuthRefresh(http, () => refreshTokens(http));

installBench(http, 'auth-refresh');
