"""Which checks are contract drift (they fail the run) and which are upstream hygiene (warnings).

Drift is anything the contract does not allow: a body, status, content type, header or frame it does
not document, a missing or extra tuple slot, a server error. A daily run exists to catch exactly that,
so drift fails the run. Hygiene is how well the upstream follows HTTP and API good practice where the
contract says nothing binding: 405 rather than 404 for a method it does not serve, 4xx for input
outside the documented range, 401 when the key is missing. Real exchanges are lenient in those ways
every day; reporting it as drift would keep the verdict red and bury real drift, so it is reported in
its own section as warnings, and ``--strict`` makes it fail the run too.

Every schemathesis check is named here; a check this table does not know (a newer schemathesis)
counts as drift, so nothing is silently downgraded.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DRIFT_CHECKS", "HYGIENE_CHECKS", "Category", "classify", "describe"]

Category = Literal["drift", "hygiene"]

# check name → what its failure means, in words
DRIFT_CHECKS: dict[str, str] = {
    "response_schema_conformance": "a body the contract does not allow",
    "status_code_conformance": "a status code the contract does not document",
    "content_type_conformance": "a content type the contract does not document",
    "response_headers_conformance": "a documented response header missing or malformed",
    "not_a_server_error": "a server error (5xx) or a server-error body the contract does not allow",
    "max_response_time": "slower than the configured limit",
}
HYGIENE_CHECKS: dict[str, str] = {
    "unsupported_method": "a method the contract does not list is not answered 405",
    "allow_header_conformance": "a 405 answer without a correct Allow header",
    "negative_data_rejection": "invalid input accepted (no 4xx for a value outside the contract)",
    "positive_data_acceptance": "valid input rejected",
    "ignored_auth": "authentication not enforced (answered without a valid key)",
    "missing_required_header": "a request without a required header accepted",
    "use_after_free": "a cancelled resource still answered as if it existed",
    "ensure_resource_availability": "a just-created resource not found",
    "object_level_authorization": "another account's resource answered",
    # the harness's own checks
    "listed_item_refused": "an item the upstream lists is refused by its own per-item endpoint",
    "invalid_args_accepted": "invalid websocket args accepted (no error reply)",
}


def classify(check: str) -> Category:
    return "hygiene" if check in HYGIENE_CHECKS else "drift"


def describe(check: str) -> str:
    return HYGIENE_CHECKS.get(check) or DRIFT_CHECKS.get(check) or check
