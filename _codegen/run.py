"""Running the external generators (openapi-python-client, ruff) and writing files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .spec import header

ROOT = Path(__file__).resolve().parent.parent
GATEWAY_SPEC_NAME = "gateway.openapi.json"


class Output:
    """Writes files below a root and remembers what it wrote, for the summary."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(relative)


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run(cmd: list[str], what: str, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env(), check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}".strip())
    warnings = [line for line in proc.stdout.splitlines() + proc.stderr.splitlines() if "Warning" in line]
    if warnings:
        raise RuntimeError(f"{what} reported problems:\n{proc.stdout}\n{proc.stderr}".strip())


def add_headers(folder: Path, source: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            path.write_text(header(source) + text, encoding="utf-8")


def generate_client(spec_path: Path, label: str, config: Path, package: str, out: Output) -> None:
    target = out.root / "generated" / package
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / package
        run(
            [
                sys.executable,
                "-m",
                "openapi_python_client",
                "generate",
                "--path",
                str(spec_path),
                "--config",
                str(config),
                "--meta",
                "none",
                "--output-path",
                str(build),
            ],
            f"openapi-python-client on {label}",
        )
        for junk in [*build.rglob("__pycache__"), *build.rglob(".ruff_cache")]:
            shutil.rmtree(junk, ignore_errors=True)
        add_headers(build, label)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(build, target)
    out.written += sorted(str(p.relative_to(out.root)) for p in target.rglob("*") if p.is_file())


def ruff_format(out: Output, relatives: list[str]) -> None:
    paths = [str(out.root / r) for r in relatives]
    run([sys.executable, "-m", "ruff", "format", "--quiet", "--line-length", "110", *paths], "ruff format")


def export_gateway(spec_dir: Path, out: Output) -> None:
    """Export the gateway's OpenAPI document and generate its client."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, gateway.app as a; print(json.dumps(a.openapi_document(), indent=2))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"exporting the gateway's OpenAPI document failed:\n{proc.stderr}")
    out.write(f"generated/{GATEWAY_SPEC_NAME}", proc.stdout)
    generate_client(
        out.root / "generated" / GATEWAY_SPEC_NAME,
        f"generated/{GATEWAY_SPEC_NAME}",
        spec_dir / "codegen" / "gateway_client.yaml",
        "gateway_client",
        out,
    )
