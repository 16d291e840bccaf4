"""What /api/echo says about a body: the demo server's JSON shape (src/server/api-routes.ts), so
that a test proves a replayed request carried the same bytes, multipart parts included."""

import hashlib

from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData


def describe_body(method, content_type, body):
    answer = {
        "method": method,
        "contentType": content_type,
        "length": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    if content_type and content_type.startswith("multipart/form-data"):
        # A boundary differs from one FormData serialization to the next: compare the parts.
        answer["parts"] = describe_parts(body, content_type)
    return answer


def describe_parts(body, content_type):
    """Each part in the order sent: name, filename (files only), size and SHA-256; None when the
    body is not valid multipart."""
    boundary = parse_options_header(content_type)[1].get("boundary")
    if not boundary:
        return None
    decoder = MultipartDecoder(boundary.encode("latin-1"))
    decoder.receive_data(body)
    decoder.receive_data(None)
    parts = []
    current = None
    try:
        while True:
            event = decoder.next_event()
            if isinstance(event, (Field, File)):
                current = {"name": event.name, "data": bytearray()}
                if isinstance(event, File):
                    current["filename"] = event.filename
                parts.append(current)
            elif isinstance(event, Data) and current is not None:
                current["data"] += event.data
            elif isinstance(event, (Epilogue, NeedData)):
                break
    except ValueError:
        return None
    return [
        {
            "name": part["name"],
            **({"filename": part["filename"]} if "filename" in part else {}),
            "size": len(part["data"]),
            "sha256": hashlib.sha256(bytes(part["data"])).hexdigest(),
        }
        for part in parts
    ]
