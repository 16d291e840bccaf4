// A refresh without its CSRF value, or refused for it, ends no session: against the demo server.
// The scenarios are in refresh-without-csrf.scenarios.ts; flask-refresh-without-csrf.spec.ts runs
// them against the real flask-jwt-extended.

import { test } from './fixtures.ts';
import { REFUSED_CSRF, refusedCsrfScenario, UNREADABLE_CSRF, unreadableCsrfScenario } from './refresh-without-csrf.scenarios.ts';

// Firefox started per profile on a busy machine took 45-55 s for each of these; the margin is for that.
test.slow();

test(UNREADABLE_CSRF, unreadableCsrfScenario);
test(REFUSED_CSRF, refusedCsrfScenario);
