"""Contract-test harness: live REST (schemathesis) and websocket checks against the two specs.

``python -m contract --help`` (or ``python -m gateway contract``). Modules: ``cli`` (options, exit
code), ``rest`` (schemathesis), ``ws`` (websocket requests and events), ``targets`` (per-item
endpoints checked for the upstream's own listed markets, currencies and orders), ``replay`` (recorded
REST cassettes and websocket frames), ``record`` (``--record``: what a run exchanged, credentials
scrubbed), ``validate`` (the shared validator: findings with JSON path, expected, received),
``hygiene`` (which checks are drift and which are upstream hygiene), ``report`` (results, Markdown +
JUnit), ``baseline`` (``report.json``, ``--baseline`` comparison, Prometheus textfile), ``html``
(``report.html``), ``routes`` (the gateway routes each upstream operation feeds), ``market`` (the one
safe order trading checks may place), ``_budget`` (deadline, request budget, rate limit, the one
request count).
"""
