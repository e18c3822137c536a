"""Contract-test harness: live REST (schemathesis) and websocket checks against the two specs.

``python -m contract --help`` (or ``python -m gateway contract``). Modules: ``cli`` (options, exit
code), ``rest`` (schemathesis), ``ws`` (websocket requests and events), ``replay`` (recorded
cassettes), ``validate`` (the shared validator: findings with JSON path, expected, received),
``report`` (Markdown + JUnit), ``market`` (the one safe order trading checks may place).
"""
