"""Record then replay (REST and websocket), today against a baseline, the metrics textfile, routes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from contract.cli import main
from contract.html import in_words
from contract.record import SCRUBBED, Scrubber
from contract.replay import DEFAULT_REPLAY_DIR
from contract.routes import gateway_routes
from generated.finex_layouts import LAYOUTS
from generated.finex_protocol import ERROR_METHOD, ERROR_REPLY
from sandbox import EmbeddedSandbox

QUICK = ["--quiet", "--seed", "1", "--max-examples", "2", "--time-budget", "60", "--timeout", "5"]


def _statuses(report_dir: Path) -> dict[str, str]:
    data = json.loads((report_dir / "report.json").read_text())
    return {op["name"]: op["status"] for op in data["operations"]}


def test_record_then_replay_round_trip(tmp_path: Path, make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    recording = tmp_path / "recording"
    sandbox = make_sandbox(seed=0, heartbeat_interval=0.5)
    credentials = sandbox.credentials
    argv = ["--rest-url", sandbox.base_url, "--api-key", credentials.api_key]
    argv += ["--ws-url", sandbox.ws_url, "--jwt", credentials.jwt, "--rate", "0", "--allow-trading"]
    argv += ["--phases", "examples", "--max-items", "2", "--record", str(recording)]
    assert main([*QUICK, *argv, "--report-dir", str(tmp_path / "live")]) == 0
    cassettes = sorted(p.stem for p in (recording / "rest").glob("*.yml"))
    assert {"getTicker", "listAssets", "createOrder", "listOpenOrders"} <= set(cassettes)
    frames = [json.loads(line) for line in (recording / "ws" / "connection-1.jsonl").read_text().splitlines()]
    assert {f["dir"] for f in frames} >= {"open", "sent", "received"}
    assert all(isinstance(f["t"], float) for f in frames)
    assert any(f.get("method") == "create_order" for f in frames if f["dir"] == "sent")
    # credentials scrubbed everywhere
    for path in recording.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert credentials.api_key not in text, path
            assert credentials.jwt not in text, path
    assert "<scrubbed>" in (recording / "rest" / "listOpenOrders.yml").read_text()
    # order requests go out on a fresh connection each: never resent on a dropped keep-alive one
    created = yaml.safe_load((recording / "rest" / "createOrder.yml").read_text())["http_interactions"]
    assert all(i["request"]["headers"]["Connection"] == ["close"] for i in created)

    replayed = tmp_path / "replayed"
    assert main(["--quiet", "--replay", str(recording), "--report-dir", str(replayed)]) == 0
    statuses = _statuses(replayed)
    assert statuses["ws/connection-1"] == "pass"
    assert statuses["rest/getTicker"] == "pass"
    notes = json.loads((replayed / "report.json").read_text())["operations"]
    ws_note = next(op["notes"][0] for op in notes if op["name"] == "ws/connection-1")
    assert not ws_note.startswith("0 replies")

    # a tampered websocket reply fails the replay, at its JSON path
    lines = (recording / "ws" / "connection-1.jsonl").read_text().splitlines()
    sent = {f["id"]: f["method"] for f in frames if f["dir"] == "sent"}
    reply = LAYOUTS[ERROR_REPLY]  # the slots every reply frame shares
    request_id, method, result = (reply.index(name) for name in ("request_id", "method", "result"))
    for index, frame in enumerate(frames):
        if frame["dir"] != "received":
            continue
        body = json.loads(frame["frame"])
        by_uuids = sent.get(body[request_id]) == "list_orders_by_uuids" and body[method] != ERROR_METHOD
        rows = body[result] if by_uuids else None
        if rows and isinstance(rows[0], list):
            rows[0] = rows[0][:-1]  # drop the last slot of the first order row
            frame["frame"] = json.dumps(body)
            lines[index] = json.dumps(frame)
            break
    else:
        raise AssertionError("no list_orders_by_uuids reply with rows recorded")
    (recording / "ws" / "connection-1.jsonl").write_text("\n".join(lines) + "\n")
    tampered = tmp_path / "tampered"
    assert main(["--quiet", "--replay", str(recording), "--report-dir", str(tampered)]) == 1
    data = json.loads((tampered / "report.json").read_text())
    assert [(d["operation"], d["path"]) for d in data["drifts"]] == [("ws/connection-1", "$[3][*]")]


def _tamper(directory: Path, cassette: str, old: str, new: str) -> None:
    path = directory / "iqfinex" / "2019-09" / f"{cassette}.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_baseline_reports_new_gone_and_unchanged(tmp_path: Path) -> None:
    yesterday = tmp_path / "yesterday"
    shutil.copytree(DEFAULT_REPLAY_DIR, yesterday)
    _tamper(yesterday, "fetch_ticker", '{"AMCETH":{"bid":6e-8,', '{"AMCETH":{"bid":true,')
    assert main(["--quiet", "--replay", str(yesterday), "--report-dir", str(tmp_path / "r1")]) == 1
    baseline = tmp_path / "r1" / "report.json"

    today = tmp_path / "today"
    shutil.copytree(yesterday, today)
    _tamper(today, "fetch_pairs", '"accuracy":"8"', '"accuracy":[8]')
    metrics = tmp_path / "contract.prom"
    argv = ["--quiet", "--replay", str(today), "--baseline", str(baseline), "--metrics-file", str(metrics)]
    assert main([*argv, "--report-dir", str(tmp_path / "r2")]) == 1  # a new drift
    comparison = json.loads((tmp_path / "r2" / "report.json").read_text())["comparison"]
    assert [d["path"] for d in comparison["new"]] == ["$.data.rows[*].accuracy"]
    assert [d["path"] for d in comparison["unchanged"]] == ["$.data.*.bid"]
    assert comparison["gone"] == []
    prom = metrics.read_text()
    assert 'contract_drifts{kind="replay",operation="iqfinex/2019-09/fetch_pairs"} 1' in prom
    assert 'contract_baseline_drifts{change="new"} 1' in prom
    assert "contract_conforms 0" in prom
    assert "## Against the baseline" in (tmp_path / "r2" / "report.md").read_text()

    # the same drift again: unchanged only, so the run passes against its baseline
    assert main(["--quiet", "--replay", str(yesterday), "--baseline", str(baseline),
                 "--report-dir", str(tmp_path / "r3")]) == 0  # fmt: skip
    # the drift fixed: gone, and a pass
    argv = ["--quiet", "--replay", str(DEFAULT_REPLAY_DIR), "--baseline", str(baseline)]
    assert main([*argv, "--report-dir", str(tmp_path / "r4")]) == 0
    gone = json.loads((tmp_path / "r4" / "report.json").read_text())["comparison"]["gone"]
    assert [d["path"] for d in gone] == ["$.data.*.bid"]


def test_gateway_routes_are_derived_from_the_gateway() -> None:
    gateway = json.loads(
        (Path(__file__).resolve().parents[2] / "generated" / "gateway.openapi.json").read_text()
    )
    documented = {f"{m.upper()} {p}" for p, item in gateway["paths"].items() for m in item}
    routes = gateway_routes(["getTicker", "listAssets", "list_orders", "cancel_order"], ["on", "bu"])
    assert routes["getTicker"] == ["GET /v1/markets/{market}/ticker"]
    assert routes["listAssets"] == ["GET /v1/markets"]
    assert routes["list_orders"] == ["GET /v1/finex/orders"]
    assert len(routes["cancel_order"]) == 2
    assert routes["on"] == ["GET /v1/events", "WS /v1/events/ws"]
    http = [route for found in routes.values() for route in found if not route.startswith("WS ")]
    assert all(route in documented for route in http)


def test_expected_types_read_as_words() -> None:
    decimal = "Decimal (number | string matching ^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$)"
    assert in_words(decimal).startswith("Decimal: a JSON number or a decimal string")
    assert "^" not in in_words(decimal)
    assert (
        in_words("Timestamp (integer | string matching ^[0-9]+$)")
        == "Timestamp: an integer or a digit string"
    )


def test_scrubber_hides_credentials_in_headers_queries_and_text() -> None:
    scrub = Scrubber(("key-123", "eyJ.jwt"))
    headers = scrub.headers({"Authorization": "key-123", "Cookie": ["a=b"], "Accept": "application/json"})
    assert headers == {"Authorization": [SCRUBBED], "Cookie": [SCRUBBED], "Accept": ["application/json"]}
    assert "s3cret" not in scrub.uri("https://x/v1/balance?api_key=s3cret&limit=5")
    assert scrub.uri("https://x/v1/trades?limit=5&offset=%3C") == "https://x/v1/trades?limit=5&offset=%3C"
    assert (
        scrub.text('{"echo": "Bearer eyJ.jwt", "k": "key-123"}')
        == f'{{"echo": "Bearer {SCRUBBED}", "k": "{SCRUBBED}"}}'
    )
