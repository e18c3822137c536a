"""Secrets stay out of logs (at every level, every library's logger) and out of problem bodies.

* :func:`register` records the configured secrets (upstream API key and JWT, gateway tokens, the Redis
  URL's password) when an app starts.
* :class:`RedactingFilter`, installed by :func:`install_log_filter` on every handler (uvicorn's own,
  the root's, ``logging.lastResort``), rewrites each record: every registered secret, any
  ``Authorization`` header value (``Authorization: …``, ``(b'authorization', b'…')``,
  ``'authorization': '…'`` as uvicorn's and websockets' debug and trace output print them), any
  ``Bearer …`` token and anything shaped like a JWT become ``<redacted>``. Handlers added after the
  install are not covered: install it after logging is configured (``python -m gateway`` does).
* :func:`scrub` does the same to a problem body, plus the caller's own ``Authorization`` value, so an
  upstream message that echoes a key is never relayed with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = ["REDACTED", "RedactingFilter", "install_log_filter", "redact", "register", "scrub"]

REDACTED: Final = "<redacted>"
_MIN_SECRET = 4  # shorter values would redact ordinary words
_SECRETS: set[str] = set()

_PATTERNS: Final = [
    # Authorization header values however a library prints them.
    (re.compile(r"(?i)(authorization['\"]?\s*[:=,]\s*\(?\s*(?:b?['\"])?)([^'\"\r\n]+)"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
]


def register(*secrets: str | None) -> None:
    """Remember configured secrets (``None`` and very short values are ignored)."""
    for secret in secrets:
        if secret and len(secret) >= _MIN_SECRET:
            _SECRETS.add(secret)
            if "://" in secret:  # a URL: its password on its own too
                password = urlsplit(secret).password
                if password and len(password) >= _MIN_SECRET:
                    _SECRETS.add(password)


def redact(text: str, extra: Iterable[str] = (), *, patterns: bool = True) -> str:
    """``text`` without any registered secret or ``extra`` value, and (``patterns``) without any
    credential-shaped substring."""
    known = {*_SECRETS, *(e for e in extra if e and len(e) >= _MIN_SECRET)}
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    if patterns:
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
    return text


def _caller_secrets(authorization: str | None) -> list[str]:
    if not authorization:
        return []
    _, _, token = authorization.strip().partition(" ")
    return [authorization.strip(), token.strip()] if token.strip() else [authorization.strip()]


def scrub(value: Any, authorization: str | None = None) -> Any:
    """A problem body (or any JSON value) without the registered secrets and the caller's own
    credential in any string (the gateway's own wording is left alone)."""
    extra = _caller_secrets(authorization)

    def clean(item: Any) -> Any:
        if isinstance(item, str):
            return redact(item, extra, patterns=False)
        if isinstance(item, dict):
            return {key: clean(v) for key, v in item.items()}
        if isinstance(item, list):
            return [clean(v) for v in item]
        return item

    return clean(value)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and exception text) without secrets; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER: Final = RedactingFilter()


def install_log_filter() -> None:
    """Put the filter on every handler that exists now (root, every named logger, lastResort)."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    handlers = {handler for logger in loggers for handler in logger.handlers}
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    for handler in handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
