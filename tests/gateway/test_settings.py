"""Settings read from the environment reach the server."""

from __future__ import annotations

import pytest

from gateway.server import server_config
from gateway.settings import Settings


def _settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_access_log_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    assert server_config(None, "127.0.0.1", 0, _settings()).access_log is False


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("false", False)])
def test_access_log_setting_turns_on_uvicorns_access_log(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("ACCESS_LOG", value)
    assert server_config(None, "127.0.0.1", 0, _settings()).access_log is expected
