"""``--check``: regenerate into a temporary folder and compare with the committed ``generated/``."""

from __future__ import annotations

import difflib
import filecmp
import re
from pathlib import Path


def compare(expected_root: Path, actual_root: Path, relatives: list[str]) -> list[str]:
    problems: list[str] = []
    generated_expected = {str(p.relative_to(expected_root)) for p in (expected_root / "generated").rglob("*")}
    generated_actual = {str(p.relative_to(actual_root)) for p in (actual_root / "generated").rglob("*")}
    ignore = re.compile(r"(^|/)__pycache__(/|$)|\.pyc$")
    generated_expected = {p for p in generated_expected if not ignore.search(p)}
    generated_actual = {p for p in generated_actual if not ignore.search(p)}
    for rel in sorted(generated_expected - generated_actual):
        if (expected_root / rel).is_file():
            problems.append(f"missing (not committed): {rel}")
    for rel in sorted(generated_actual - generated_expected):
        if (actual_root / rel).is_file():
            problems.append(f"stale (not generated from spec/): {rel}")
    for rel in sorted(set(relatives)):
        mine, theirs = expected_root / rel, actual_root / rel
        if not theirs.exists():
            if rel not in generated_expected:
                problems.append(f"missing (not committed): {rel}")
            continue
        if not filecmp.cmp(mine, theirs, shallow=False):
            diff = difflib.unified_diff(
                theirs.read_text(encoding="utf-8").splitlines(),
                mine.read_text(encoding="utf-8").splitlines(),
                f"committed/{rel}",
                f"regenerated/{rel}",
                lineterm="",
                n=1,
            )
            preview = "\n".join(list(diff)[:12])
            problems.append(f"differs: {rel}\n{preview}")
    return problems
