"""Loader for the recorded live responses in `recorded/iqfinex/<date>/*.yml`.

Each file is a VCR cassette (YAML) holding one interaction: `http_interactions[0].request.uri`,
`.request.method`, `.response.status.code` and the raw JSON text in `.response.body.string`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

RECORDED_ROOT = Path(__file__).resolve().parents[1] / "recorded" / "iqfinex"


@dataclass(frozen=True)
class Recorded:
    """One recorded upstream interaction."""

    name: str  # "<date folder>/<file stem>", e.g. "2019-09/fetch_ticker"
    method: str  # upper case, e.g. "GET"
    path: str  # URL path plus query, e.g. "/v1/trades/BTCUSDC?sort=DESC"
    status: int
    body: str  # raw JSON text


def _load(path: Path) -> Recorded:
    cassette = yaml.safe_load(path.read_text(encoding="utf-8"))
    interaction = cassette["http_interactions"][0]
    request, response = interaction["request"], interaction["response"]
    url = urlsplit(request["uri"])
    return Recorded(
        name=f"{path.parent.name}/{path.stem}",
        method=str(request["method"]).upper(),
        path=url.path + (f"?{url.query}" if url.query else ""),
        status=int(response["status"]["code"]),
        body=response["body"]["string"],
    )


@functools.cache
def _load_all() -> tuple[Recorded, ...]:
    return tuple(_load(path) for path in sorted(RECORDED_ROOT.glob("*/*.yml")))


def load_recorded() -> list[Recorded]:
    """All recorded interactions, sorted by name."""
    return list(_load_all())
