"""The test suite's one sandbox fixture plugin (registered in ``tests/conftest.py``).

- ``sandbox``: the session's embedded sandbox (seed 0), shared by every test that only reads or that
  tolerates earlier tests' orders; ``clean_sandbox``: the same one with fresh seeded state and no
  faults before and after the test.
- ``make_sandbox(**options)``: a dedicated sandbox for this test (drift mode, a trader, a fast
  heartbeat, two at once), stopped when the test ends.
- ``sandbox_pool(**options)``: one sandbox per distinct options for the whole session, for module- or
  session-scoped fixtures that need other options than the default.

Every sandbox binds 127.0.0.1 only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from sandbox import EmbeddedSandbox

__all__ = ["clean_sandbox", "make_sandbox", "sandbox", "sandbox_pool"]

DEFAULT_OPTIONS: dict[str, Any] = {"seed": 0}


@pytest.fixture(scope="session")
def sandbox_pool() -> Iterator[Callable[..., EmbeddedSandbox]]:
    running: dict[tuple[tuple[str, Any], ...], EmbeddedSandbox] = {}
    with ExitStack() as stack:

        def get(**options: Any) -> EmbeddedSandbox:
            key = tuple(sorted(options.items()))
            if key not in running:
                running[key] = stack.enter_context(EmbeddedSandbox(**options))
            return running[key]

        yield get


@pytest.fixture(scope="session")
def sandbox(sandbox_pool: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    return sandbox_pool(**DEFAULT_OPTIONS)


@pytest.fixture
def clean_sandbox(sandbox: EmbeddedSandbox) -> Iterator[EmbeddedSandbox]:
    """The session sandbox, fresh seeded state and no faults before and after the test."""
    sandbox.reset()
    yield sandbox
    sandbox.reset()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., EmbeddedSandbox]]:
    with ExitStack() as stack:

        def make(**options: Any) -> EmbeddedSandbox:
            return stack.enter_context(EmbeddedSandbox(**options))

        yield make
