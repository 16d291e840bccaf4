"""The clock that flask-jwt-extended and PyJWT read "now" from, made able to jump forward.

POST /__demo/expire must make every access token issued so far answer 401 "Token has expired",
and the most faithful way is to let time pass: nothing in the library is replaced, its own
`exp` check in jwt.decode fails and its own expired-token callback answers. Waiting out a token's
lifetime would make every test that long, so the tests move the clock instead, as freezegun or
time-machine would, but only for the two modules that mint and check JWT timestamps
(flask_jwt_extended.tokens: iat/nbf/exp when encoding; jwt.api_jwt: "now" when decoding). Cookie
dates (werkzeug) keep the real clock, as the browser does.
"""

import threading
from datetime import datetime as _RealDatetime
from datetime import timedelta
from datetime import timezone

import flask_jwt_extended.tokens
import flask_jwt_extended.view_decorators
import jwt.api_jwt

# Every module that calls datetime.now() on the JWT path (view_decorators: time-limited freshness).
_PATCHED_MODULES = (flask_jwt_extended.tokens, flask_jwt_extended.view_decorators, jwt.api_jwt)


class _RealDatetimeCheck(type):
    # jwt.api_jwt tests isinstance(claim, datetime) on the claims it encodes: those are real
    # datetimes (now() below returns one), so the check must keep answering as for the real class.
    def __instancecheck__(cls, instance):
        return isinstance(instance, _RealDatetime)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, _RealDatetime)


class JwtClock:
    """Real time plus an offset that only grows. Thread-safe (the server is threaded)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._offset = timedelta(0)

    def now(self, tz=None):
        with self._lock:
            offset = self._offset
        return _RealDatetime.now(tz) + offset

    def advance_past(self, epoch_seconds):
        """Moves the clock so that a token with exp <= epoch_seconds is expired (PyJWT: exp <= now)."""
        with self._lock:
            now = (_RealDatetime.now(timezone.utc) + self._offset).timestamp()
            # One second more: PyJWT compares whole seconds.
            if now < epoch_seconds + 1:
                self._offset += timedelta(seconds=epoch_seconds + 1 - now)

    def install(self):
        """Makes the JWT modules read this clock. Once per process."""
        clock = self

        class ClockDatetime(_RealDatetime, metaclass=_RealDatetimeCheck):
            @classmethod
            def now(cls, tz=None):
                return clock.now(tz)

        for module in _PATCHED_MODULES:
            module.datetime = ClockDatetime
