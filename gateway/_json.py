"""The gateway's one JSON encoder and its one request-body decoder.

- :func:`encode` — every body the gateway writes (REST and Finex routes, SSE and websocket events,
  problems): ``orjson`` on the hot path, ``msgspec`` for what ``orjson`` cannot write (an integer
  beyond 64 bits, ``msgspec.Raw``, ``Decimal``), so an exact value of any size goes out unharmed.
- :func:`read_json` — a state-changing route's JSON body: ``application/json`` only (415 otherwise),
  decoded with every JSON number as an exact ``Decimal`` that keeps its text
  (:func:`gateway._decimal.json_number`); invalid UTF-8, invalid JSON and nesting deeper than
  :data:`MAX_DEPTH` are 422 problems naming the body.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
import orjson
from starlette.requests import Request

from gateway._decimal import json_number
from gateway.problems import InvalidRequest, UnsupportedMediaType

__all__ = [
    "JSON_MEDIA_TYPE",
    "MAX_DEPTH",
    "decode_request",
    "encode",
    "is_json_media_type",
    "read_body",
    "read_json",
]

JSON_MEDIA_TYPE: Final = "application/json"
MAX_DEPTH: Final = 32
"""Deepest nesting of arrays and objects a request body may have (the deepest valid body has 3)."""

_msgspec_encode = msgspec.json.Encoder(decimal_format="number").encode
_decoder = msgspec.json.Decoder(float_hook=json_number)


def encode(body: Any) -> bytes:
    """JSON bytes of ``body``; integers of any size, ``Decimal`` and ``msgspec.Raw`` written exactly."""
    try:
        return orjson.dumps(body)
    except TypeError:  # an int beyond 64 bits, a Raw or a Decimal: msgspec writes them exactly
        return _msgspec_encode(body)


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json``, optionally with ``charset=utf-8`` (the only charset JSON has)."""
    if content_type is None:
        return False
    media, *params = (part.strip().lower() for part in content_type.split(";"))
    return media == JSON_MEDIA_TYPE and all(p in {"charset=utf-8", 'charset="utf-8"', ""} for p in params)


def _depth_ok(raw: bytes) -> bool:
    """Whether brackets nest at most :data:`MAX_DEPTH` deep (outside strings); linear, no recursion."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif byte in b"]}":
            depth -= 1
    return True


def decode_request(raw: bytes) -> Any:
    """A request body as JSON, numbers as exact ``Decimal`` (422 problem when it is not usable JSON)."""
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and not _depth_ok(raw):
        raise _invalid(f"nested deeper than {MAX_DEPTH} levels")
    try:
        return _decoder.decode(raw)
    except UnicodeDecodeError:
        raise _invalid("not valid UTF-8") from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise _invalid(f"not valid JSON ({str(exc)[:200]})") from None


def _invalid(reason: str) -> InvalidRequest:
    return InvalidRequest(f"body: {reason}", errors=[{"location": "body", "message": reason}])


async def read_body(request: Request) -> bytes:
    """The raw body of a state-changing route: 415 unless ``Content-Type: application/json``."""
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise UnsupportedMediaType(
            f"header content-type: send the body as {JSON_MEDIA_TYPE}"
            + (f", not {content_type[:100]!r}" if content_type else ""),
            errors=[{"location": "header content-type", "message": f"must be {JSON_MEDIA_TYPE}"}],
        )
    return await request.body()


async def read_json(request: Request) -> Any:
    """The JSON body of a state-changing route (:func:`read_body`, then :func:`decode_request`)."""
    return decode_request(await read_body(request))
