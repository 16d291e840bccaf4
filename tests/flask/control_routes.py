"""The demo server's test-only routes (src/server/demo-routes.ts, static-files.ts), with the same
paths and JSON shapes: /__demo/stats, /__demo/reset, /__demo/expire, /__demo/control,
/public/echo-headers, and the static files (dist plus a test's own), served with no-cache."""

from flask import jsonify, request, send_from_directory

from backend_state import apply_option_changes

BROKER_SWITCH_COOKIE = "demo_broker"
REGISTER_SCRIPT_MARKER = "token-broker-register.js"


def register_control_routes(app, static_dir, counters, stats, options, set_options, expire_access_tokens):
    @app.get("/__demo/stats")
    def demo_stats():
        response = jsonify(stats())
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/__demo/reset")
    def demo_reset():
        counters.reset()
        return jsonify(stats())

    @app.post("/__demo/expire")
    def demo_expire():
        return jsonify(accessEpoch=expire_access_tokens())

    @app.post("/__demo/control")
    def demo_control():
        body = request.get_json(silent=True)
        if body is None:
            return jsonify(error="the body must be JSON"), 400
        new_options, error = apply_option_changes(options(), body)
        if error:
            return jsonify(error=error), 400
        set_options(new_options)
        return jsonify(options=options())

    @app.route("/public/echo-headers", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def echo_headers():
        counters.increment("publicRequests")
        headers = {}
        for name, value in request.headers.items():
            name = name.lower()
            headers[name] = redact_cookie_values(value) if name == "cookie" else value
        return jsonify(method=request.method, headers=headers)

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def static_file(path):
        target = static_dir / path if path else static_dir
        if target.is_dir() or path == "" or path.endswith("/"):
            path = (path.rstrip("/") + "/index.html").lstrip("/")
        response = send_from_directory(static_dir, path, max_age=0, conditional=False, etag=False)
        if path.lower().endswith(".json"):
            counters.increment("configRequests")
        response.headers["Cache-Control"] = "no-cache"
        if path.endswith("index.html") and request.cookies.get(BROKER_SWITCH_COOKIE) == "off":
            response.direct_passthrough = False
            html = response.get_data(as_text=True)
            response.set_data("\n".join(line for line in html.split("\n") if REGISTER_SCRIPT_MARKER not in line))
        return response


def redact_cookie_values(header):
    # Names tell a test which cookies were sent; the values never leave the server.
    return "; ".join(pair.strip().split("=")[0] + "=<redacted>" for pair in header.split(";"))
