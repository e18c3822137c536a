"""Best-of-N timing with warm-up (``timeit`` underneath)."""

from __future__ import annotations

import gc
import timeit
from collections.abc import Callable
from typing import Any

__all__ = ["best_of", "best_of_each", "smoke"]

_SMOKE = False


def smoke() -> None:
    """Smoke mode: one short run per measurement (checks that the benchmark works, measures nothing)."""
    global _SMOKE
    _SMOKE = True


def best_of(fn: Callable[[], Any], *, repeat: int = 5, min_time: float = 0.15) -> float:
    """Seconds per call: the minimum over ``repeat`` runs of a loop sized to last ``min_time`` each.

    The first calls (calibration) double as the warm-up; the garbage collector stays enabled, as in
    the server (``timeit`` would disable it).
    """
    return best_of_each({"fn": fn}, repeat=repeat, min_time=min_time)["fn"]


def best_of_each(
    fns: dict[str, Callable[[], Any]], *, repeat: int = 9, min_time: float = 0.1
) -> dict[str, float]:
    """Seconds per call of each function, measured round-robin: every round times each function once
    (a loop sized to last ``min_time``), and each keeps its minimum over ``repeat`` rounds. On a shared
    machine whose speed drifts, the functions of one ratio are thus measured under the same
    conditions (a ratio of two separate ``best_of`` runs can be off by more than the effect measured).
    """
    if _SMOKE:
        repeat, min_time = 1, 0.005
    timers, numbers = {}, {}
    for name, fn in fns.items():
        fn()
        timer = timeit.Timer(fn, setup="gc.enable()", globals={"gc": gc})
        number, elapsed = timer.autorange()
        timers[name], numbers[name] = timer, max(1, int(number * min_time / max(elapsed, 1e-9)))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name])
    return best
