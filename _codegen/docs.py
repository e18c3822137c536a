"""The upstream contracts' documentation pages, rendered offline for the gateway (``make codegen``).

The REST contract needs no rendering: the gateway's Swagger UI shows ``generated/iqfinex_contract.json``
(``_codegen/contracts.py``) at ``/docs/iqfinex``.

- ``generated/docs/finex/``: the AsyncAPI contract as static HTML (``index.html``, ``css/``, ``js/``),
  rendered by ``@asyncapi/html-template`` through ``tools/asyncapi_html.mjs`` from the local
  node_modules (no network), served at ``/docs/finex/``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

__all__ = ["render"]

ROOT = Path(__file__).resolve().parent.parent
TARGET = "generated/docs"


def render(asyncapi: Path, out_root: Path) -> list[str]:
    """Write the renderings below ``out_root``; the written paths, relative to it."""
    target = out_root / TARGET
    written: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            ["node", str(ROOT / "tools" / "asyncapi_html.mjs"), str(asyncapi), tmp],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"@asyncapi/html-template failed:\n{proc.stdout}\n{proc.stderr}".strip())
        finex = target / "finex"
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                dest = finex / path.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(path.read_bytes())
                written.append(str(dest.relative_to(out_root)))
    return written
