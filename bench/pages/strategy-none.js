// No refresh logic: every 401 reaches the app as an error.
import { createHttp, installBench } from './burst.js';

installBench(createHttp(), 'none');
