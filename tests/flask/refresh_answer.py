"""How the refresh endpoint misbehaves on request: a delayed answer, or an answer that is lost
after the server has already rotated the tokens (the client sees its connection close)."""

import select
import socket
import time

from flask import request

MAX_HOLD_SECONDS = 60
POLL_SECONDS = 0.1


def wait_ms(ms):
    if ms > 0:
        time.sleep(ms / 1000)


def drop_connection_after_hold():
    """Holds the answer until the client gives up or a minute passes, then closes the connection
    without an answer, as the demo server's 'hang' does."""
    sock = request.environ.get("werkzeug.socket")
    deadline = time.monotonic() + MAX_HOLD_SECONDS
    while sock is not None and time.monotonic() < deadline and not _peer_closed(sock):
        time.sleep(POLL_SECONDS)
    if sock is not None:
        try:
            # Shut down, not closed: werkzeug's later write then fails as a dropped connection.
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _peer_closed(sock):
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
