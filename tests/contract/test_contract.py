"""The contract harness against the embedded sandbox: clean, drifted, read-only, and replayed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from contract.cli import main
from contract.replay import DEFAULT_REPLAY_DIR
from contract.validate import ContractValidator
from contract.ws import TRADING_METHODS
from sandbox import EmbeddedSandbox

QUICK = ["--quiet", "--seed", "1", "--max-examples", "2", "--time-budget", "90", "--timeout", "5"]


def _live(sandbox: EmbeddedSandbox, *extra: str) -> list[str]:
    credentials = sandbox.credentials
    return [
        "--rest-url",
        sandbox.base_url,
        "--api-key",
        credentials.api_key,
        "--ws-url",
        sandbox.ws_url,
        "--jwt",
        credentials.jwt,
        "--rate",
        "0",
        *extra,
    ]


def _rows(report: str) -> dict[str, str]:
    """Operation name → status cell of the report's operations table."""
    rows = {}
    for line in report.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 5 and cells[0] in ("rest", "ws", "event", "replay"):
            rows[cells[1].split(" ", 1)[0]] = cells[2]
    return rows


def test_embedded_sandbox_conforms(tmp_path: Path) -> None:
    assert main([*QUICK, "--report-dir", str(tmp_path)]) == 0
    rows = _rows((tmp_path / "report.md").read_text())
    operations = [op for op, _, _ in ContractValidator().rest_operations()]
    assert len(operations) == 18
    methods = ["subscribe", "list_orders", "list_orders_by_uuids", "list_order_trades", "create_order"]
    methods += ["cancel_order", "cancel_all", "create_bulk", "get_deposits", "get_withdraws"]
    methods += ["set_config_value", "get_config"]
    for name in [*operations, *methods]:
        assert rows[name].startswith("pass"), (name, rows[name])
    for event in ("on", "oc", "bu", "sys"):
        assert rows[event] == "pass", (event, rows)
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert sum(int(s.get("failures", "0")) for s in suites) == 0
    assert len(suites.findall(".//testcase")) >= 18 + 12 + 4


def test_drift_is_named_precisely(tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    sandbox = make_sandbox(seed=0, drift=True, heartbeat_interval=0.5)
    argv = _live(sandbox, "--allow-trading", "--phases", "examples,fuzzing", "--report-dir", str(tmp_path))
    assert main([*QUICK, *argv]) == 1
    report = (tmp_path / "report.md").read_text()
    rows = _rows(report)
    assert rows["getTicker"] == "fail"
    assert rows["listTickers"] == "fail"
    assert rows["on"] == "fail"
    assert rows["oc"] == "fail"
    assert rows["getCurrency"].startswith("pass")
    # wrong type on a documented field: operation, JSON path, expected type, received value
    assert "### rest getTicker" in report
    assert "| `$.data.bid` | bid | Decimal (number \\| string matching" in report
    assert '`"n/a"`' in report
    # a missing tuple slot in a websocket row
    assert "### event on" in report
    assert "| `$[2]` | payload | at least 16 items (missing slot 15: trigger_price) | `15 items:" in report
    # an undocumented 500: a server error whose body is not the documented Error shape
    assert rows["listCurrencies"] == "fail"
    assert "### rest listCurrencies" in report


def test_server_errors_fail_the_run(tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    sandbox = make_sandbox(seed=0)
    sandbox.set_faults(error_rate=0.5, error_statuses=[500])
    argv = _live(sandbox, "--phases", "examples", "--report-dir", str(tmp_path))
    assert main([*QUICK, *argv]) == 1
    report = (tmp_path / "report.md").read_text()
    assert "not_a_server_error: Server error" in report
    assert "→ 500]" in report


def test_read_only_against_a_url_places_nothing(
    tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]
) -> None:
    sandbox = make_sandbox(seed=0)
    argv = _live(sandbox, "--phases", "examples,fuzzing", "--report-dir", str(tmp_path))
    assert main([*QUICK, *argv]) == 0
    stats = sandbox.stats()
    orders = sandbox.state.exchange.account_orders[sandbox.credentials.account_id]
    assert "createOrder" not in stats["rest"]
    assert "cancelOrder" not in stats["rest"]
    assert not set(stats["ws"]) & TRADING_METHODS
    assert stats["rest"]["listOpenOrders"] > 0
    assert not orders
    rows = _rows((tmp_path / "report.md").read_text())
    for name in ["createOrder", "cancelOrder", *TRADING_METHODS]:
        assert rows[name] == "skipped (read-only)", name


def test_replay_of_recorded_responses_passes(tmp_path: Path) -> None:
    assert main(["--quiet", "--replay", "--report-dir", str(tmp_path)]) == 0
    rows = _rows((tmp_path / "report.md").read_text())
    assert len(rows) == 8
    assert all(status.startswith("pass") for status in rows.values()), rows


def test_replay_of_a_tampered_cassette_fails_precisely(tmp_path: Path) -> None:
    recorded = tmp_path / "recorded"
    shutil.copytree(DEFAULT_REPLAY_DIR, recorded)
    cassette = recorded / "iqfinex" / "2019-09" / "fetch_ticker.yml"
    text = cassette.read_text()
    assert '{"AMCETH":{"bid":6e-8,' in text
    cassette.write_text(text.replace('{"AMCETH":{"bid":6e-8,', '{"AMCETH":{"bid":true,', 1))
    report_dir = tmp_path / "report"
    assert main(["--quiet", "--replay", str(recorded), "--report-dir", str(report_dir)]) == 1
    report = (report_dir / "report.md").read_text()
    assert _rows(report)["iqfinex/2019-09/fetch_ticker"] == "fail"
    assert "| `$.data.AMCETH.bid` | bid | Decimal (number \\| string matching" in report
    assert "| `true` |" in report
