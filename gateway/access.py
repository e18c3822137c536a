"""Fail closed: a gateway holding server-side credentials does not start open to anyone.

=============================================== ======================================================
situation                                       at start
=============================================== ======================================================
``GATEWAY_TOKENS`` set                          starts; private routes need a gateway token
server-side credentials configured, no tokens   **refuses to start** (``StartRefused``), unless
                                                ``ALLOW_OPEN_ACCESS=true``: starts with a loud warning
embedded sandbox demo, bound to loopback        starts open (the demo account only)
embedded sandbox demo, bound elsewhere          refuses, unless ``ALLOW_OPEN_ACCESS=true`` (warning)
pass-through only (nothing configured)          starts; callers bring their own credentials
=============================================== ======================================================
"""

from __future__ import annotations

import ipaddress
import logging

from gateway.settings import Settings

__all__ = ["StartRefused", "check_access", "server_credentials_configured"]

log = logging.getLogger("gateway")


class StartRefused(RuntimeError):
    """The configuration would expose the upstream account; the message says what to set."""


def server_credentials_configured(settings: Settings) -> bool:
    return bool(settings.iqfinex_api_key or settings.finex_jwt or settings.credentials_file)


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_access(settings: Settings, embedded: bool) -> None:
    """Raise ``StartRefused`` (or, with the opt-out, log a critical warning) as the table says."""
    if settings.gateway_tokens:
        return
    if server_credentials_configured(settings):
        reason = (
            "server-side upstream credentials are configured and GATEWAY_TOKENS is empty: anyone who "
            "reaches the port could trade on the account"
        )
    elif embedded and not _loopback(settings.bind_host):
        reason = f"the embedded sandbox's demo account would be open to anyone on {settings.bind_host}"
    else:
        return
    if settings.allow_open_access:
        log.critical("OPEN ACCESS (ALLOW_OPEN_ACCESS=true): %s. Set GATEWAY_TOKENS to close it.", reason)
        return
    raise StartRefused(f"refusing to start: {reason}; set GATEWAY_TOKENS (or ALLOW_OPEN_ACCESS=true)")
