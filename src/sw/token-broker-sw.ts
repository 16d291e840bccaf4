// The standalone worker, dist/token-broker-sw.js. Everything lives in start-token-broker.ts,
// exported there for workers that want the same start with pieces of their own.

import { startTokenBroker } from './start-token-broker.ts';

startTokenBroker();
