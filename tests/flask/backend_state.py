"""What the app remembers for the tests: counters, run-time options, and the login sessions with
their spent refresh tokens. Same names and checks as the demo server (src/server/counters.ts,
src/server/options.ts), so that a browser scenario steers and reads either backend the same way.
Thread-safe: the server answers each request in its own thread.
"""

import threading

# src/server/counters.ts COUNTER_NAMES, in its order.
COUNTER_NAMES = (
    "refreshRequests",
    "refreshSucceeded",
    "refreshRefused",
    "reuseDetected",
    "sessionsRevoked",
    "apiRequests",
    "apiSucceeded",
    "api401",
    "api401Expired",
    "csrfFailures",
    "publicRequests",
    "expiredAccessTokens",
    "configRequests",
    "maxConcurrentApiRequests",
)

MAX_TTL_SECONDS = 365 * 24 * 3600
MAX_REFRESH_DELAY_MS = 60_000
REFRESH_BEHAVIORS = ("normal", "error-500", "refuse-401", "hang")
COOKIE_MAX_AGES = ("flask-default", "token-lifetime")

DEFAULT_OPTIONS = {
    "accessTtlSeconds": 30,
    "refreshTtlSeconds": 30 * 24 * 3600,
    "rotation": True,
    "reuseDetection": True,
    "sessionCookies": True,
    "cookieMaxAge": "flask-default",
    "refreshDelayMs": 0,
    "refreshBehavior": "normal",
}


class Counters:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._values = {name: 0 for name in COUNTER_NAMES}
            self._seen = {}

    def increment(self, name):
        with self._lock:
            self._values[name] += 1

    def increment_once(self, name, key):
        """Counts `key` the first time it is seen for `name`: distinct things, not events."""
        with self._lock:
            seen = self._seen.setdefault(name, set())
            if key in seen:
                return
            seen.add(key)
            self._values[name] += 1

    def record_max(self, name, value):
        with self._lock:
            self._values[name] = max(self._values[name], value)

    def snapshot(self):
        with self._lock:
            return dict(self._values)


def apply_option_changes(current, changes):
    """Returns (options, None) or (None, error): the demo server's rules and messages."""
    if not isinstance(changes, dict):
        return None, "the body must be a JSON object"
    options = dict(current)
    for key, value in changes.items():
        if key in ("accessTtlSeconds", "refreshTtlSeconds"):
            if not _is_int(value) or value < 1 or value > MAX_TTL_SECONDS:
                return None, f"{key} must be an integer from 1 to {MAX_TTL_SECONDS}"
        elif key in ("rotation", "reuseDetection", "sessionCookies"):
            if not isinstance(value, bool):
                return None, f"{key} must be true or false"
        elif key == "refreshDelayMs":
            if not _is_number(value) or value < 0 or value > MAX_REFRESH_DELAY_MS:
                return None, f"refreshDelayMs must be a number from 0 to {MAX_REFRESH_DELAY_MS}"
        elif key == "refreshBehavior":
            if value not in REFRESH_BEHAVIORS:
                return None, f"refreshBehavior must be one of {', '.join(REFRESH_BEHAVIORS)}"
        elif key == "cookieMaxAge":
            if value not in COOKIE_MAX_AGES:
                return None, f"cookieMaxAge must be one of {', '.join(COOKIE_MAX_AGES)}"
        else:
            return None, f'unknown option "{key}"'
        options[key] = value
    return options, None


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


class Sessions:
    """The blocklist as apps build it for token_in_blocklist_loader: spent refresh-token jtis and
    revoked login sessions ("families", the `fam` claim every token of one login carries)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spent_refresh_jtis = set()
        self._revoked_families = set()

    def mark_spent(self, jti):
        with self._lock:
            self._spent_refresh_jtis.add(jti)

    def verdict(self, claims, reuse_detection):
        """'allowed', 'revoked', or 'reuse-detected' (this call found a spent refresh token
        presented again and revoked its family; later calls for that family say 'revoked')."""
        family = claims.get("fam")
        with self._lock:
            if family in self._revoked_families:
                return "revoked"
            if claims.get("type") == "refresh" and reuse_detection and claims.get("jti") in self._spent_refresh_jtis:
                self._revoked_families.add(family)
                return "reuse-detected"
            return "allowed"
