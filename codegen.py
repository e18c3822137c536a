"""Regenerate everything under ``generated/`` from the hand-written contracts in ``spec/``.

    python codegen.py            # regenerate in place (``make codegen``)
    python codegen.py --check    # regenerate into a temporary folder and diff (``make codegen-check``)

Steps, each printing what it wrote:

1. ``generated/iqfinex_client/``: typed REST client, openapi-python-client on
   ``spec/iqfinex.openapi.yaml`` driven by ``spec/codegen/iqfinex_client.yaml``.
2. ``generated/finex_models.py``: pydantic v2 models (datamodel-code-generator) for every schema of
   ``spec/finex.asyncapi.yaml``; tuple schemas are first rewritten into objects whose properties are
   the slot titles, because the generator turns tuples into loose lists.
3. ``generated/iqfinex_layouts.py`` and ``generated/finex_layouts.py``: msgspec structs
   (``array_like=True`` for tuples) plus layout metadata — slot order, names, optionality, decimal,
   timestamp and enum mappings — for every tuple and object of both specs.
   Beside them (``_codegen/contracts.py``) what else the run time needs from the contracts:
   ``generated/iqfinex_operations.py`` (method, path, auth, parameters, statuses, examples),
   ``generated/finex_protocol.py`` (frame kinds, methods, events, streams, code tables), and the contracts
   as JSON (``generated/*_contract.json``, ``*_contract.resolved.json``) for the validators.
4. ``generated/gateway.openapi.json`` and ``generated/gateway_client/``: the gateway's own contract and a
   typed client for it.
5. ``generated/docs/``: the upstream contracts' documentation pages (``_codegen/docs.py``), and
   the README's vocabulary table, derived from the spec markers (``_codegen/vocabulary.py``).

Spec problems (an untitled slot, duplicate titles, an enum mapping that misses a value, a dangling
``$ref``) stop the run with ``<file>#<json pointer>: <message>``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _codegen.check import compare
from _codegen.contracts import emit_contracts
from _codegen.layouts import Extractor, emit_layouts, layout_types, openapi_responses
from _codegen.models import generate_models
from _codegen.run import Output, export_gateway, generate_client, ruff_format
from _codegen.spec import Spec, SpecError, header, snake_case

__all__ = ["SpecError", "generate", "main", "snake_case"]

ROOT = Path(__file__).resolve().parent
OPENAPI_NAME = "iqfinex.openapi.yaml"
ASYNCAPI_NAME = "finex.asyncapi.yaml"

STEPS = ("client", "models", "layouts", "gateway", "docs")


def generate(spec_dir: Path, out_root: Path, steps: tuple[str, ...] = STEPS) -> list[str]:
    out = Output(out_root)
    openapi = Spec.load(spec_dir / OPENAPI_NAME, f"spec/{OPENAPI_NAME}")
    asyncapi = Spec.load(spec_dir / ASYNCAPI_NAME, f"spec/{ASYNCAPI_NAME}")

    # Extraction validates both specs before any generator runs, so spec errors come out first.
    rest_extractor = Extractor(openapi)
    rest = rest_extractor.run()
    responses = openapi_responses(openapi, rest_extractor)
    ws = Extractor(asyncapi).run()

    timed: list[tuple[str, Callable[[], object]]] = []
    if "layouts" in steps:

        def layouts() -> None:
            out.write(
                "generated/__init__.py", header("spec/") + '"""Code generated from spec/ by codegen.py."""\n'
            )
            out.write("generated/layout_types.py", layout_types())
            out.write("generated/iqfinex_layouts.py", emit_layouts(rest, responses))
            out.write("generated/finex_layouts.py", emit_layouts(ws))
            for relative, text in emit_contracts(openapi, asyncapi, ws).items():
                out.write(relative, text)
            ruff_format(
                out,
                [
                    "generated/iqfinex_layouts.py",
                    "generated/finex_layouts.py",
                    "generated/iqfinex_operations.py",
                    "generated/finex_protocol.py",
                ],
            )

        timed.append(("layouts", layouts))
    if "client" in steps:
        timed.append(
            (
                "iqfinex_client",
                lambda: generate_client(
                    openapi.path,
                    openapi.label,
                    spec_dir / "codegen" / "iqfinex_client.yaml",
                    "iqfinex_client",
                    out,
                ),
            )
        )
    if "models" in steps:
        timed.append(("finex_models", lambda: generate_models(asyncapi, out)))
    if "gateway" in steps:
        timed.append(("gateway", lambda: export_gateway(spec_dir, out)))
    if "docs" in steps:
        from _codegen.docs import render
        from _codegen.vocabulary import readme

        def vocabulary() -> None:
            text = readme((ROOT / "README.md").read_text(encoding="utf-8"), openapi.path, asyncapi.path)
            out.write("README.md", text)

        timed.append(("vocabulary", vocabulary))

        def docs() -> None:
            out.written += render(asyncapi.path, out.root)

        timed.append(("docs", docs))

    for name, step in timed:
        before = len(out.written)
        started = time.monotonic()
        step()
        files = out.written[before:]
        print(f"  {name}: {len(files)} file(s) in {time.monotonic() - started:.1f}s")
        for rel in files if len(files) <= 6 else [*files[:3], f"... {len(files) - 3} more"]:
            print(f"    {rel}")
    return out.written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if generated/ differs from spec/")
    parser.add_argument("--spec-dir", type=Path, default=ROOT / "spec", help="folder holding the specs")
    parser.add_argument("--out", type=Path, default=ROOT, help="root below which generated/ is written")
    parser.add_argument(
        "--only", default=",".join(STEPS), help=f"comma-separated steps of {', '.join(STEPS)}"
    )
    args = parser.parse_args(argv)
    steps = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    started = time.monotonic()
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                print(f"codegen --check: regenerating into {tmp}")
                written = generate(args.spec_dir, Path(tmp), steps)
                problems = compare(Path(tmp), args.out, written)
            if problems:
                print(f"codegen --check: generated code is out of date ({len(problems)} file(s)):")
                for problem in problems:
                    print(f"  {problem}")
                print("run `make codegen` and commit the result")
                return 1
            print(
                f"codegen --check: {len(written)} generated file(s) match spec/ "
                f"({time.monotonic() - started:.1f}s)"
            )
            return 0
        print("codegen: regenerating from spec/")
        written = generate(args.spec_dir, args.out, steps)
        print(f"codegen: wrote {len(written)} file(s) in {time.monotonic() - started:.1f}s")
        return 0
    except SpecError as exc:
        print(f"codegen: spec error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
