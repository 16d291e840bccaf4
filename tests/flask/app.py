#!/usr/bin/python3
"""A small REAL flask-jwt-extended app, the seed's backend, for the browser tests.

JWT in cookies with flask-jwt-extended's defaults (CSRF double submit on, session cookies, no
SameSite), a refresh endpoint with rotation and reuse detection written as apps write it (the
token_in_blocklist_loader callback), the API routes the browser scenarios use, and the demo
server's test-only control routes (/__demo/...), so that a scenario runs against either backend.
Every answer about a token (401 "Token has expired", the CSRF 401s, 422s) is the library's own.

Run with Debian's interpreter (python3-flask, python3-python-flask-jwt-extended):
    /usr/bin/python3 tests/flask/app.py --static-dir dist [--port 0] [--access-ttl 600]
Prints "listening on http://127.0.0.1:PORT/" when ready. Exits when its stdin closes, so that it
never outlives the test process that started it.
"""

import argparse
import hashlib
import logging
import os
import sys
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, abort, g, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)
from werkzeug.serving import make_server

from backend_state import DEFAULT_OPTIONS, Counters, Sessions
from control_routes import register_control_routes
from echo import describe_body
from jwt_clock import JwtClock
from refresh_answer import drop_connection_after_hold, wait_ms

EXPIRED_MSG = "Token has expired"
CSRF_MSGS = ("Missing CSRF token", "CSRF double submit tokens do not match")
DEFAULT_USERNAME = "demo"
MAX_USERNAME_LENGTH = 64
MAX_ITEMS = 100
DEFAULT_ITEMS = 5
DEFAULT_SLOW_MS = 300
MAX_SLOW_MS = 10_000


def create_app(static_dir, initial_options=None):
    clock = JwtClock()
    clock.install()
    app = Flask(__name__, static_folder=None)
    app.config["JWT_SECRET_KEY"] = os.urandom(32).hex()
    app.config["JWT_TOKEN_LOCATION"] = ["cookies"]
    # Everything else at the library's defaults: CSRF protection on, JWT_SESSION_COOKIE True,
    # JWT_COOKIE_SAMESITE None, JWT_COOKIE_SECURE False (http://127.0.0.1), 30-day refresh tokens.
    jwt = JWTManager(app)

    counters = Counters()
    sessions = Sessions()
    state = {"options": dict(DEFAULT_OPTIONS), "access_epoch": 0, "latest_access_exp": 0.0}
    state_lock = threading.Lock()

    def options():
        with state_lock:
            return dict(state["options"])

    def set_options(new_options):
        with state_lock:
            state["options"] = new_options
        # The library's own settings, read by it at each call.
        app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(seconds=new_options["accessTtlSeconds"])
        app.config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(seconds=new_options["refreshTtlSeconds"])
        app.config["JWT_SESSION_COOKIE"] = new_options["sessionCookies"]

    def expire_access_tokens():
        with state_lock:
            state["access_epoch"] += 1
            latest = state["latest_access_exp"]
            epoch = state["access_epoch"]
        clock.advance_past(latest)
        return epoch

    def stats():
        with state_lock:
            epoch = state["access_epoch"]
        return {**counters.snapshot(), "accessEpoch": epoch, "options": options()}

    set_options({**DEFAULT_OPTIONS, **(initial_options or {})})

    # --- Rotation with reuse detection, as apps add it to flask-jwt-extended -------------------

    @jwt.token_in_blocklist_loader
    def token_in_blocklist(_jwt_header, jwt_payload):
        verdict = sessions.verdict(jwt_payload, options()["reuseDetection"])
        if verdict == "reuse-detected":
            counters.increment("reuseDetected")
            counters.increment("sessionsRevoked")
        return verdict != "allowed"

    def issue_access(identity, family, fresh=False):
        token = create_access_token(identity=identity, fresh=fresh, additional_claims={"fam": family})
        exp = decode_token(token)["exp"]
        with state_lock:
            state["latest_access_exp"] = max(state["latest_access_exp"], exp)
        return token

    def set_cookies(response, access=None, refresh=None):
        # max_age None: the library decides (JWT_SESSION_COOKIE); an app may pass the lifetime.
        current = options()
        by_lifetime = current["cookieMaxAge"] == "token-lifetime"
        if access is not None:
            set_access_cookies(response, access, max_age=current["accessTtlSeconds"] if by_lifetime else None)
        if refresh is not None:
            set_refresh_cookies(response, refresh, max_age=current["refreshTtlSeconds"] if by_lifetime else None)

    @app.post("/login")
    def login():
        body = request.get_json(silent=True)
        username = DEFAULT_USERNAME
        if isinstance(body, dict) and isinstance(body.get("username"), str):
            username = body["username"].strip()[:MAX_USERNAME_LENGTH] or DEFAULT_USERNAME
        family = os.urandom(16).hex()
        response = jsonify(login=True, user=username)
        set_cookies(
            response,
            access=issue_access(username, family, fresh=True),
            refresh=create_refresh_token(identity=username, additional_claims={"fam": family}),
        )
        return response

    @app.post("/logout")
    def logout():
        response = jsonify(logout=True)
        unset_jwt_cookies(response)
        return response

    @app.post("/token/refresh")
    @jwt_required(refresh=True)
    def refresh():
        claims = get_jwt()
        identity = get_jwt_identity()
        current = options()
        response = jsonify(refresh=True)
        new_refresh = None
        if current["rotation"]:
            # Spent BEFORE the answer leaves: a lost or late answer has still spent it.
            sessions.mark_spent(claims["jti"])
            new_refresh = create_refresh_token(identity=identity, additional_claims={"fam": claims["fam"]})
        set_cookies(response, access=issue_access(identity, claims["fam"]), refresh=new_refresh)
        if current["refreshBehavior"] == "hang":
            g.answer_dropped = True
            drop_connection_after_hold()
            return response  # never reaches the client: its connection is gone
        wait_ms(current["refreshDelayMs"])
        return response

    # --- The API -------------------------------------------------------------------------------

    @app.route("/api/always-401", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def always_401():
        # Before any JWT check: "expired" whatever the credentials (a 401 no refresh can cure).
        g.always_401 = True
        return jsonify(msg=EXPIRED_MSG), 401

    @app.get("/api/whoami")
    @jwt_required()
    def whoami():
        return jsonify(user=get_jwt_identity())

    @app.get("/api/items")
    @jwt_required()
    def items():
        n = clamp_int(request.args.get("n"), DEFAULT_ITEMS, 0, MAX_ITEMS)
        return jsonify(items=[{"id": i + 1, "name": f"Item {i + 1}"} for i in range(n)])

    @app.route("/api/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @jwt_required()
    def echo():
        return jsonify(describe_body(request.method, request.headers.get("Content-Type"), request.get_data(cache=True)))

    @app.get("/api/slow")
    @jwt_required()
    def slow():
        wait_ms(clamp_int(request.args.get("ms"), DEFAULT_SLOW_MS, 0, MAX_SLOW_MS))
        return jsonify(ok=True)

    @app.route("/api/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @jwt_required()
    def api_not_found(_rest):
        return jsonify(msg="Not Found"), 404

    # --- Counting, from the answers as they leave (the library's answers are not touched) -------

    api_in_flight = InFlight()

    @app.before_request
    def before():
        if request.path == "/token/refresh":
            counters.increment("refreshRequests")
            behavior = options()["refreshBehavior"]
            if behavior == "error-500":
                abort(500)
            if behavior == "refuse-401":
                # What flask-jwt-extended answers to an expired refresh token.
                return jsonify(msg=EXPIRED_MSG), 401
        if request.path.startswith("/api/"):
            # Read the whole body before any answer: werkzeug's development server closes the
            # connection after answering, and an early 401 to an upload still being sent reaches
            # the browser as a reset (seen in Firefox: "NetworkError" on 1 of 7 runs of the bodies
            # scenario). Servers in production (gunicorn, nginx in front) drain it themselves.
            request.get_data(cache=True)
            counters.increment("apiRequests")
            g.answering_api = True
            counters.record_max("maxConcurrentApiRequests", api_in_flight.change(+1))
        return None

    @app.teardown_request
    def api_answered(_error):
        if g.pop("answering_api", False):
            api_in_flight.change(-1)

    @app.after_request
    def count(response):
        if request.path != "/token/refresh" and not request.path.startswith("/api/"):
            return response
        msg = (response.get_json(silent=True) or {}).get("msg") if response.is_json else None
        if msg in CSRF_MSGS:
            counters.increment("csrfFailures")
        if request.path == "/token/refresh":
            if g.get("answer_dropped"):
                return response
            if response.status_code == 200:
                counters.increment("refreshSucceeded")
            elif response.status_code in (401, 422):
                counters.increment("refreshRefused")
        else:
            status = response.status_code
            if 200 <= status < 300:
                counters.increment("apiSucceeded")
            if status == 401:
                counters.increment("api401")
                if msg == EXPIRED_MSG:
                    counters.increment("api401Expired")
                    jwt_cookie = request.cookies.get("access_token_cookie")
                    if jwt_cookie and not g.get("always_401"):
                        # Distinct expired tokens, keyed by a hash: no token is kept.
                        counters.increment_once("expiredAccessTokens", hashlib.sha256(jwt_cookie.encode()).hexdigest())
        return response

    register_control_routes(app, Path(static_dir).resolve(), counters, stats, options, set_options, expire_access_tokens)
    return app


class InFlight:
    """How many requests are being answered at once (each runs in its own thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._count = 0

    def change(self, delta):
        with self._lock:
            self._count += delta
            return self._count


def clamp_int(raw, fallback, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return fallback
    return min(high, max(low, value))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--access-ttl", type=int, default=DEFAULT_OPTIONS["accessTtlSeconds"])
    parser.add_argument("--no-rotation", action="store_true")
    args = parser.parse_args()

    # werkzeug logs a line per request; the tests read the counters instead.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(args.static_dir, {"accessTtlSeconds": args.access_ttl, "rotation": not args.no_rotation})
    server = make_server(args.host, args.port, app, threaded=True)

    def exit_when_parent_goes():
        sys.stdin.read()  # EOF: the process that started us is gone or closed us
        os._exit(0)

    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    print(f"listening on http://{args.host}:{server.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
