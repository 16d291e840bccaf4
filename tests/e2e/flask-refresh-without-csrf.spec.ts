// A refresh without its CSRF value, or refused for it ("Missing CSRF token", "CSRF double submit
// tokens do not match"), ends no session: against the real flask-jwt-extended app (tests/flask),
// whose CSRF check runs before it looks at the refresh token.

import { test } from './fixtures.ts';
import { REFUSED_CSRF, refusedCsrfScenario, UNREADABLE_CSRF, unreadableCsrfScenario } from './refresh-without-csrf.scenarios.ts';

test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and a Firefox started per profile on
// a busy machine takes most of a minute for these scenarios.
test.describe.configure({ timeout: 180_000 });

test(UNREADABLE_CSRF, unreadableCsrfScenario);
test(REFUSED_CSRF, refusedCsrfScenario);
