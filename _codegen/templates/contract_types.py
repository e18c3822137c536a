"""Types of the contract tables emitted by codegen.py (``iqfinex_operations``, ``finex_protocol``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

__all__ = ["Event", "Method", "Operation", "Response", "document"]

_HERE = Path(__file__).resolve().parent


@cache
def document(upstream: Literal["iqfinex", "finex"], resolved: bool = False) -> dict[str, Any]:
    """An upstream contract as codegen emitted it: ``<upstream>_contract.json`` (the document the
    validators compile), or with ``resolved`` its ``$ref``/``allOf``-merged form (``x-component`` names
    the component a schema came from)."""
    suffix = ".resolved" if resolved else ""
    loaded: dict[str, Any] = json.loads((_HERE / f"{upstream}_contract{suffix}.json").read_bytes())
    return loaded


class Response(NamedTuple):
    """A documented response: its status key (``200``, ``4XX``, ``default``), the JSON pointer of the
    response object in the contract (``$ref`` followed) and its media types."""

    status: str
    pointer: str
    media_types: tuple[str, ...]


class Operation(NamedTuple):
    """One REST operation. ``parameters`` by name, ``$ref`` resolved; ``example`` is the JSON text of
    the 200 response's example body, ``request_example`` of the JSON request body's (None without)."""

    id: str
    method: str  # upper case
    path: str  # the contract's path template, e.g. /v1/ticker/{asset}
    tag: str
    private: bool  # needs the API key
    parameters: dict[str, dict[str, Any]]
    responses: dict[str, Response]
    example: str | None
    request_example: str | None

    def response(self, status: int) -> Response | None:
        """The response documenting ``status``: the exact code, then its ``NXX`` range, then ``default``."""
        code = str(status)
        for key in (code, f"{code[0]}XX", f"{code[0]}xx", "default"):
            if key in self.responses:
                return self.responses[key]
        return None


class Method(NamedTuple):
    """One websocket method: the schemas (and layouts) of its request frame, args, reply frame and error
    reply; the documented args (JSON text) and reply frames (JSON text)."""

    name: str
    operation: str
    request: str
    args: str | None
    reply: str
    error: str
    private: bool
    examples: tuple[str, ...]
    reply_examples: tuple[str, ...]


class Event(NamedTuple):
    """One event: upstream code, the gateway's event name, the frame layout, the payload's row layout
    (``payload_list``: the payload is a list of such rows; ``payload_items``: how many slots of the row
    the event carries, where the frame refines it), the private stream carrying it (``x-stream``) and
    documented frames (JSON text)."""

    code: str
    name: str
    frame: str
    payload: str
    payload_list: bool
    payload_items: int | None
    private: bool
    stream: str | None
    examples: tuple[str, ...]
