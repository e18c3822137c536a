"""Derive ``sandbox/data/markets.yaml`` from the recorded live responses (a development tool).

Run ``python -m sandbox._derive_seed`` from the repository root after the recordings change. The
sandbox itself only reads the derived file at run time, never ``recorded/``.

Each recorded asset row, e.g. ``{"pair": "BTCUSDC", "right": "USDC", "left": "BTC", "accuracy": "2",
"min_volume": 0.001, "isTrade": true}``, is joined with its ticker (``last``, ``bid``, ``ask``); the 2019
recording wins over 2018 for pairs present in both, so the 2018-only USDT pairs keep their 2018 prices.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "recorded" / "iqfinex"
OUT = Path(__file__).resolve().parent / "data" / "markets.yaml"

ALIASES = {
    "BTC": "Bitcoin",
    "ETH": "Ethereum",
    "USDT": "Tether",
    "USDC": "USD Coin",
    "BCH": "Bitcoin Cash",
    "LTC": "Litecoin",
    "EOS": "EOS",
    "ETC": "Ethereum Classic",
    "XLM": "Stellar",
    "ZEC": "Zcash",
    "DSH": "Dash",
    "BTG": "Bitcoin Gold",
    "BCHSV": "Bitcoin SV",
    "MOD": "Modum",
    "OMG": "OmiseGO",
    "ZRX": "0x",
    "BAT": "Basic Attention Token",
    "GNT": "Golem",
    "REP": "Augur",
    "SNT": "Status",
}
COINS = {
    "BTC",
    "ETH",
    "BCH",
    "LTC",
    "EOS",
    "ETC",
    "XLM",
    "ZEC",
    "DSH",
    "BTG",
    "BCHSV",
    "AE",
    "IOST",
    "ZIL",
    "QKC",
}


def _body(path: Path) -> Any:
    cassette = yaml.safe_load(path.read_text())
    return json.loads(cassette["http_interactions"][0]["response"]["body"]["string"], parse_float=Decimal)


def derive() -> dict[str, Any]:
    markets: dict[str, dict[str, Any]] = {}
    for folder in ("2018-12", "2019-09"):
        assets = _body(RECORDED / folder / "fetch_pairs.yml")["data"]["rows"]
        tickers = _body(RECORDED / folder / "fetch_ticker.yml")["data"]
        for row in assets:
            ticker = tickers.get(row["pair"])
            if ticker is None or not ticker["last"]:
                continue
            markets[row["pair"]] = {
                "pair": row["pair"],
                "left": row["left"],
                "right": row["right"],
                "accuracy": int(row["accuracy"]),
                "min_volume": str(row["min_volume"]),
                "is_trade": bool(row.get("isTrade", True)),
                "last": str(ticker["last"]),
            }
    currencies = sorted({m["left"] for m in markets.values()} | {m["right"] for m in markets.values()})
    return {
        "markets": [markets[p] for p in sorted(markets)],
        "currencies": [
            {
                "name": c,
                "alias": ALIASES.get(c, c.title()),
                "type": "Coin" if c in COINS else "Token",
                "commission": "0.0005" if c == "BTC" else "0.01",
                "confirmations": 6 if c == "BTC" else 30,
                "min_withdrawal": "0.001" if c == "BTC" else "0.1",
                "min_deposit": "0.001" if c == "BTC" else "0.1",
                "is_deposit": True,
                "is_withdrawal": True,
            }
            for c in currencies
        ],
    }


def main() -> None:
    header = "# Derived from recorded by `python -m sandbox._derive_seed`; do not edit by hand.\n"
    OUT.write_text(header + yaml.safe_dump(derive(), sort_keys=False))


if __name__ == "__main__":
    main()
