"""``python -m gateway`` arguments (the 2-worker server itself runs in ``make bench``, bench/peers.py)."""

from __future__ import annotations

import pytest

from gateway.__main__ import main


def test_workers_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--workers", "0"])
    assert exited.value.code == 2
    assert "--workers must be >= 1" in capsys.readouterr().err
