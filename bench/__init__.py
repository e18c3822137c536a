"""Benchmarks of the gateway: ``python -m bench`` (``make bench``).

Every targeted figure is a ratio against a baseline measured in the same run on the same machine:

- :mod:`bench.normalization` — the gateway's own normalization functions in-process against an
  ``orjson`` loads+dumps floor (and a pydantic-per-row baseline for ``list_orders``), plus exact decimal
  canonicalization against ``decimal.Decimal`` construction.
- :mod:`bench.overhead` — the gateway and the sandbox as separate processes on 127.0.0.1, loaded by a
  multi-process generator (:mod:`bench.loadgen`), direct vs through the gateway; transport variants
  (``REST_TRANSPORT=httpx`` vs the shipped aiohttp); the gateway's peak resident memory.

Results: one table on stdout, ``bench/results/latest.json`` (the targeted figures),
``bench/results/latest.md`` (the table for the README) and ``bench/results/details.json`` (everything).
"""
