"""The contract harness against the embedded sandbox: clean, drifted, read-only, and replayed."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx

from contract.cli import main
from contract.market import fetch_market
from contract.replay import DEFAULT_REPLAY_DIR
from contract.validate import ContractValidator
from contract.ws import TRADING_METHODS
from sandbox import EmbeddedSandbox
from tests.contract.upstreams import RecordingUpstream

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
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["verdict"] == "CONFORMS"
    assert data["drifts"] == []
    assert data["requests"]["sent"] == sum(data["requests"]["by_source"].values())
    notes = {op["name"]: " ".join(op["notes"]) for op in data["operations"]}
    for operation in ("getTicker", "getOrderBook", "listPublicTrades", "listCandles"):
        assert "real identifiers: 25 listed asset value(s) checked (of 74 listed)" in notes[operation]
    assert "real identifiers: 25 listed name value(s) checked (of 74 listed)" in notes["getAsset"]
    assert "real identifiers: 25 listed name value(s) checked (of 39 listed)" in notes["getCurrency"]
    assert (tmp_path / "report.html").read_text().startswith("<!doctype html>")


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
    # report.json: one drift per (operation, JSON path pattern, expected, received kind), counted
    data = json.loads((tmp_path / "report.json").read_text())
    drifts = {(d["operation"], d["path"]): d for d in data["drifts"]}
    tickers = drifts[("listTickers", "$.data.*.bid")]
    assert tickers["received_kind"] == "string"
    assert tickers["example"] == '"n/a"'
    assert tickers["count"] >= 60  # every listed market, one row
    assert tickers["routes"] == ["GET /v1/tickers"]
    assert drifts[("getTicker", "$.data.bid")]["routes"] == ["GET /v1/markets/{market}/ticker"]
    assert drifts[("on", "$[2]")]["routes"] == ["GET /v1/events", "WS /v1/events/ws"]
    assert {d["operation"] for d in data["drifts"]} == {
        "listTickers",
        "getTicker",
        "listCurrencies",
        "on",
        "oc",
    }
    server_error = next(d for d in data["drifts"] if d["message"] == "not_a_server_error")
    assert "→ 500" in server_error["example"]
    assert "drift: undocumented failure" in server_error["example"]
    # report.html: grouped, in words, with the routes it breaks; offline (no external reference)
    html = (tmp_path / "report.html").read_text()
    assert html.count("<code>$.data.*.bid</code>") == 1
    assert "Decimal: a JSON number or a decimal string" in html
    assert "<code>GET /v1/tickers</code>" in html
    assert "drift: undocumented failure" in html
    assert "http://" not in html.replace(sandbox.base_url, "")
    assert "https://" not in html
    assert data["requests"]["explained"] in html.replace("&#x27;", "'")


def test_server_errors_fail_the_run(tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    sandbox = make_sandbox(seed=0)
    sandbox.set_faults(error_rate=0.5, error_statuses=[500])
    argv = _live(sandbox, "--phases", "examples", "--report-dir", str(tmp_path))
    assert main([*QUICK, *argv]) == 1
    report = (tmp_path / "report.md").read_text()
    assert "not_a_server_error: Server error" in report
    assert "→ 500]" in report


def test_read_only_sends_nothing_but_get(
    tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]
) -> None:
    """Every phase and every check, against a recording upstream: only GET reaches it."""
    sandbox = make_sandbox(seed=0, heartbeat_interval=0.5)
    with RecordingUpstream(sandbox) as upstream:
        # one open order of the account's own (placed by the test, not the harness), so the
        # harness lists a real order id and checks getOrder / listOrderTrades for it
        market = fetch_market(sandbox.base_url, sandbox.credentials.api_key, "BTCUSDT", 5.0)
        headers = {"Authorization": sandbox.credentials.api_key}
        placed = httpx.post(f"{sandbox.base_url}/v1/order", json=market.rest_body(), headers=headers)
        order_id = placed.raise_for_status().json()["data"]["id"]
        argv = _live(sandbox, "--max-items", "3", "--report-dir", str(tmp_path))
        argv[argv.index("--rest-url") + 1] = upstream.base_url
        assert main([*QUICK, *argv]) == 0
        stats = sandbox.stats()
        orders = sandbox.state.exchange.account_orders[sandbox.credentials.account_id]
        methods = upstream.methods()
    assert set(methods) == {"GET"}, methods
    assert methods["GET"] > 100
    assert not set(stats["ws"]) & TRADING_METHODS
    assert stats["ws"]["list_orders"] > 0
    assert [order.id for order in orders] == [order_id]  # nothing placed by the harness
    report = json.loads((tmp_path / "report.json").read_text())
    notes = {op["name"]: " ".join(op["notes"]) for op in report["operations"]}
    assert "real identifiers: 1 listed id value(s) checked (of 1 listed)" in notes["getOrder"]
    assert ("GET", f"/v1/order/{order_id}") in upstream.requests
    by_source = report["requests"]["by_source"]
    # one count, and it is the upstream's own count
    assert report["requests"]["sent"] - by_source["websocket"] == methods["GET"]
    assert by_source["rest real identifiers"] > 0
    rows = _rows((tmp_path / "report.md").read_text())
    for name in ["createOrder", "cancelOrder", *TRADING_METHODS]:
        assert rows[name] == "skipped (read-only)", name


def test_lenient_upstream_passes_with_hygiene_warnings(
    tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]
) -> None:
    """404 to unknown methods, 200 to out-of-range values, no key check: hygiene, not drift."""
    sandbox = make_sandbox(seed=0, heartbeat_interval=0.5)
    with RecordingUpstream(sandbox, lenient=True) as upstream:
        argv = [
            "--rest-url",
            upstream.base_url,
            "--api-key",
            sandbox.credentials.api_key,
            "--rate",
            "0",
            "--allow-trading",
            "--max-items",
            "0",
            "--operations",
            "getOrderBook,getBalance,listCandles",
        ]
        lenient, strict = tmp_path / "lenient", tmp_path / "strict"
        assert main([*QUICK, *argv, "--phases", "coverage", "--report-dir", str(lenient)]) == 0
        # the same upstream with --strict: hygiene fails the run
        assert main([*QUICK, *argv, "--phases", "coverage", "--strict", "--report-dir", str(strict)]) == 1
    report = json.loads((lenient / "report.json").read_text())
    assert report["verdict"] == "CONFORMS"
    assert report["drifts"] == []
    checks = {h["check"] for h in report["hygiene"]}
    assert {"unsupported_method", "negative_data_rejection", "ignored_auth"} <= checks, checks
    text = (lenient / "report.md").read_text()
    assert "## Upstream hygiene (warnings: they do not fail the run)" in text
    assert "returned 404, expected 405" in text
    strict_report = json.loads((strict / "report.json").read_text())
    assert strict_report["verdict"] == "DRIFT"
    assert strict_report["drifts"] == []
    assert strict_report["hygiene"]


def test_replay_of_recorded_responses_passes(tmp_path: Path) -> None:
    assert main(["--quiet", "--replay", "--report-dir", str(tmp_path)]) == 0
    rows = _rows((tmp_path / "report.md").read_text())
    assert len(rows) == 9  # 8 REST cassettes, 1 websocket recording
    assert "finex/sandbox/session" in rows
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
