"""``python -m gateway``: arguments, and ``--workers`` over the embedded sandbox (also in ``make bench``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.__main__ import main
from tests.gateway.conftest import free_port


def test_workers_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--workers", "0"])
    assert exited.value.code == 2
    assert "--workers must be >= 1" in capsys.readouterr().err


@pytest.mark.timeout(120)
def test_two_workers_share_the_supervisors_embedded_sandbox(tmp_path: Path) -> None:
    """``--workers 2`` with no upstream configured: one sandbox in the supervisor, the demo account
    open on loopback in every worker (not refused as "server-side credentials without tokens")."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "TMPDIR")}
    env["DATA_DIR"] = str(tmp_path / "data")
    log = tmp_path / "gateway.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "--port", str(port), "--workers", "2"],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # bounded wait until a worker serves
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        assert httpx.get(f"{url}/v1/markets/BTCUSDT/ticker", timeout=10).status_code == 200
        assert httpx.get(f"{url}/v1/account/balances", timeout=10).status_code == 200
        assert "worker processes" in log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(20)
