"""The layer rules of ARCHITECTURE.md, held by an ``ast`` walk, and "generated/ is the only door": running
the gateway, the sandbox and the harness opens no file under ``spec/`` (an audit hook watches every
``open`` in a fresh interpreter)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the packages of this repository it may import (ARCHITECTURE.md, "Who may import whom")
ALLOWED: dict[str, set[str]] = {
    "generated": set(),
    "sandbox": {"generated"},
    "gateway": {"generated", "sandbox"},
    "contract": {"generated", "gateway", "sandbox"},
    "_codegen": set(),
    "codegen": {"_codegen"},
}
OURS = {*ALLOWED, "tests", "bench", "tools"}
# The one dynamic import across a forbidden edge: `python -m gateway contract` forwards to the harness.
FORWARDS = {("gateway/__main__.py", "contract.cli")}


def _modules(package: str) -> list[Path]:
    path = ROOT / package
    return sorted(path.rglob("*.py")) if path.is_dir() else [ROOT / f"{package}.py"]


def _imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported top-level package, dynamic) of every import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, False))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            first = node.args[0]
            text = first.value if isinstance(first, ast.Constant) else ast.unparse(first).strip("f'\"")
            found.append((node.lineno, str(text), True))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layers_import_only_what_architecture_md_allows(package: str) -> None:
    broken = []
    for path in _modules(package):
        relative = path.relative_to(ROOT).as_posix()
        for line, module, dynamic in _imports(path):
            top = module.split(".", 1)[0]
            if top not in OURS or top == package or top in ALLOWED[package]:
                continue
            if dynamic and (relative, module) in FORWARDS:
                continue
            broken.append(f"{relative}:{line} imports {module}")
    assert not broken, f"{package} may import only {sorted(ALLOWED[package])}:\n" + "\n".join(broken)


def test_the_forwarded_harness_import_is_the_only_one() -> None:
    main = ROOT / "gateway" / "__main__.py"
    assert any(module == "contract.cli" and dynamic for _, module, dynamic in _imports(main))


_RUN_EVERYTHING = r"""
import asyncio, json, os, sys, tempfile

spec = os.path.join(sys.argv[1], "spec") + os.sep
opened = []

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(spec):
            opened.append(path)

sys.addaudithook(hook)

import httpx
from gateway.app import create_app
from gateway.settings import Settings
import sandbox, contract.cli, contract.ws, contract.rest


async def gateway() -> list[int]:
    app = create_app(Settings(_env_file=None))  # no upstream URLs: the gateway starts its sandbox
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"  # an allowed Host by default
    ) as client:
        paths = ["/v1/markets/BTCUSDT/ticker", "/v1/account/balances", "/v1/finex/orders", "/openapi.json"]
        return [(await client.get(path)).status_code for path in paths]


statuses = asyncio.run(gateway())
with tempfile.TemporaryDirectory() as tmp:
    harness = contract.cli.main(
        ["--report-dir", tmp, "--phases", "examples", "--max-examples", "1", "--quiet", "--seed", "1"]
    )
print(json.dumps({"opened": opened, "statuses": statuses, "harness": harness}))
"""


def test_gateway_sandbox_and_harness_open_nothing_under_spec() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_EVERYTHING, str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [200, 200, 200, 200]
    assert result["harness"] == 0
    assert result["opened"] == []


WIRE_MODULES = ["sandbox/ws.py", "sandbox/rows.py", "sandbox/rest.py", "contract/ws.py", "contract/market.py"]
WIRE_NAMES = {"args", "frame", "target", "row", "payload", "request", "reply", "item"}


@pytest.mark.parametrize("relative", WIRE_MODULES)
def test_frames_and_rows_are_not_indexed_by_hand(relative: str) -> None:
    """The sandbox and the harness read frames, args and rows by slot name (generated layouts): no
    ``args[0]``, no ``[1, request_id, method, args]`` literal."""
    from generated.finex_protocol import FRAME_KINDS

    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in WIRE_NAMES
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
        ):
            found.append(f"{relative}:{node.lineno}: {ast.unparse(node)}")
        if (
            isinstance(node, ast.List)
            and len(node.elts) >= 3
            and isinstance(node.elts[0], ast.Constant)
            and node.elts[0].value in FRAME_KINDS.values()
        ):
            found.append(f"{relative}:{node.lineno}: {ast.unparse(node)[:60]}")
    assert not found, "\n".join(found)
