
    const schema = {
  "asyncapi": "3.0.0",
  "id": "urn:finex:open-finance:websocket",
  "info": {
    "title": "Finex open-finance websocket API",
    "version": "2.0.0",
    "description": "Private (and public) request/reply and event API of the Finex matching engine, mounted at\n`/api/v2/open_finance` (source: the Finex \"Websocket API for private requests\" docs).\n\n## Authentication\nIf the upgrade request carries a JWT in the `Authorization` header (`Authorization: Bearer <jwt>`)\nthe connection is authenticated as that user; without the header the connection is **anonymous**.\nAnonymous connections are allowed (public streams, heartbeats), but every private method\n(orders, trades, deposits, withdrawals, config) then answers with an error reply.\n\n## Frame grammar\nEvery websocket text frame is one JSON array whose first element is the frame type:\n\n| frame | layout |\n| --- | --- |\n| request (client → server) | `[1, request_id, method, args]` |\n| reply (server → client) | `[2, request_id, method, result]` |\n| public event (server → client) | `[3, name, payload]` |\n| private event (server → client) | `[4, name, payload]` |\n\n`request_id` is a non-negative integer chosen by the client and echoed in the reply. A failed\nrequest is answered with `[2, request_id, \"error\", [description]]` (inferred: the docs only say\n\"error and short description\").\n\nDecimal amounts are JSON strings (`\"9120\"`, `\"0.25\"`) and must stay strings (`x-decimal`);\ntimestamps are Unix seconds (`x-timestamp`). All positional arrays are draft-07 tuple schemas\nwhose slot titles are the normalized snake_case field names (see `spec/CONVENTIONS.md`).\n",
    "contact": {
      "name": "Gateway maintainers",
      "url": "https://finex.example.com/docs",
      "email": "gateway-maintainers@example.com"
    },
    "license": {
      "name": "MIT",
      "url": "https://opensource.org/licenses/MIT"
    },
    "tags": [
      {
        "name": "requests",
        "description": "Request/reply methods (frame types 1 and 2)."
      },
      {
        "name": "events",
        "description": "Server-pushed events (frame types 3 and 4)."
      },
      {
        "name": "private",
        "description": "Needs an authenticated (JWT) connection; anonymous connections get an error reply."
      }
    ]
  },
  "defaultContentType": "application/json",
  "servers": {
    "production": {
      "host": "finex.example.com",
      "protocol": "wss",
      "pathname": "/api/v2/open_finance",
      "title": "Finex production (host is a placeholder)",
      "summary": "Finex websocket endpoint behind TLS.",
      "description": "Host placeholder for a Finex deployment. Pass `Authorization: Bearer <jwt>` on the upgrade request to authenticate; without it the connection is anonymous and private methods answer with an error reply.",
      "security": [
        {
          "type": "http",
          "scheme": "bearer",
          "bearerFormat": "JWT",
          "description": "Optional. `Authorization: Bearer <jwt>` on the websocket upgrade request authenticates the connection. Without it the connection is anonymous: it is accepted, public streams and heartbeats work, and private methods answer with an error reply."
        }
      ],
      "tags": [
        {
          "name": "production",
          "description": "Real deployment."
        }
      ]
    },
    "sandbox": {
      "host": "127.0.0.1:8100",
      "protocol": "ws",
      "pathname": "/api/v2/open_finance",
      "title": "Embedded sandbox",
      "summary": "The repository's embedded sandbox, plain websocket on localhost.",
      "description": "Local sandbox implementing the same frame grammar. Same authentication rule as production: JWT in the `Authorization` header or anonymous.",
      "security": [
        "$ref:$.servers.production.security[0]"
      ],
      "tags": [
        {
          "name": "sandbox",
          "description": "Local test deployment."
        }
      ]
    }
  },
  "channels": {
    "openFinance": {
      "address": "/api/v2/open_finance",
      "title": "Open-finance websocket",
      "summary": "The single multiplexed websocket carrying requests, replies and events.",
      "description": "One websocket per client. Requests (`[1, ...]`) are sent by the client; replies (`[2, ...]`), public events (`[3, ...]`) and private events (`[4, ...]`) are sent by the server.",
      "messages": {
        "subscribeRequest": {
          "name": "subscribeRequest",
          "title": "subscribe request",
          "summary": "`[1, request_id, \"subscribe\", [scope, streams]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"subscribe\", SubscribeArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-1>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-2>"
              },
              {
                "title": "method",
                "const": "subscribe",
                "x-parser-schema-id": "<anonymous-schema-3>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`subscribe` arguments `[scope, streams]`.",
                    "items": [
                      {
                        "title": "scope",
                        "allOf": [
                          {
                            "type": "string",
                            "enum": [
                              "public",
                              "private"
                            ],
                            "x-enum-descriptions": {
                              "public": "Public market streams.",
                              "private": "The user's own streams (`order`, `trade`, `balances`); needs an authenticated connection."
                            },
                            "description": "Stream scope: `public` or `private`.",
                            "x-parser-schema-id": "SubscribeScope"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-5>"
                      },
                      {
                        "title": "streams",
                        "type": "array",
                        "description": "Stream names. For scope `private`: `order`, `trade`, `balances` (`PrivateStream`). For scope `public`: market streams.",
                        "items": {
                          "anyOf": [
                            {
                              "type": "string",
                              "enum": [
                                "order",
                                "trade",
                                "balances"
                              ],
                              "x-enum-descriptions": {
                                "order": "Order events (`on`, `ou`, `oc`, `or`).",
                                "trade": "Trade events (`tr`).",
                                "balances": "Balance events (`bu`)."
                              },
                              "description": "The private streams a `subscribe` with scope `private` names (all three, as in the docs).",
                              "x-parser-schema-id": "PrivateStream"
                            },
                            {
                              "type": "string",
                              "description": "A public market stream.",
                              "x-parser-schema-id": "<anonymous-schema-8>"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-7>"
                        },
                        "x-parser-schema-id": "<anonymous-schema-6>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 2,
                    "x-parser-schema-id": "SubscribeArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-4>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "SubscribeRequest"
          },
          "examples": [
            {
              "name": "privateStreams",
              "summary": "Subscribe to all private streams (docs example).",
              "payload": [
                1,
                2,
                "subscribe",
                [
                  "private",
                  [
                    "order",
                    "trade",
                    "balances"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "subscribeRequest"
        },
        "subscribeReply": {
          "name": "subscribeReply",
          "title": "subscribe reply",
          "summary": "`[2, request_id, \"subscribe\", [scope, streams]]` (inferred echo of the arguments)",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"subscribe\", SubscribeResult]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-9>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-10>"
              },
              {
                "title": "method",
                "const": "subscribe",
                "x-parser-schema-id": "<anonymous-schema-11>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "x-inferred": true,
                    "description": "Inferred: the docs show no subscribe reply; the open-finance server echoes the subscription `[scope, streams]`.",
                    "items": [
                      {
                        "title": "scope",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.subscribeRequest.payload.items[3].allOf[0].items[0].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-13>"
                      },
                      {
                        "title": "streams",
                        "type": "array",
                        "items": {
                          "type": "string",
                          "x-parser-schema-id": "<anonymous-schema-15>"
                        },
                        "x-parser-schema-id": "<anonymous-schema-14>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 2,
                    "x-parser-schema-id": "SubscribeResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-12>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "SubscribeReply"
          },
          "examples": [
            {
              "name": "privateStreams",
              "summary": "Echo of the private subscription (inferred; the docs show no reply).",
              "payload": [
                2,
                2,
                "subscribe",
                [
                  "private",
                  [
                    "order",
                    "trade",
                    "balances"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "subscribeReply"
        },
        "listOrdersRequest": {
          "name": "listOrdersRequest",
          "title": "list_orders request",
          "summary": "`[1, request_id, \"list_orders\", [market, page, limit, state]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"list_orders\", ListOrdersArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-16>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-17>"
              },
              {
                "title": "method",
                "const": "list_orders",
                "x-parser-schema-id": "<anonymous-schema-18>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`list_orders` arguments `[market, page, limit, state]`. The docs mark them all optional, meaning their empty values are sent (`\"\"`, `0`, `0`, `\"\"`), as in every docs example.",
                    "items": [
                      {
                        "title": "market",
                        "type": "string",
                        "x-case": "lower",
                        "description": "Market id, lower case; `\"\"` = all markets.",
                        "x-parser-schema-id": "<anonymous-schema-20>"
                      },
                      {
                        "title": "page",
                        "type": "integer",
                        "minimum": 0,
                        "description": "Page number; `0` = default.",
                        "x-parser-schema-id": "<anonymous-schema-21>"
                      },
                      {
                        "title": "limit",
                        "type": "integer",
                        "minimum": 0,
                        "description": "Page size; `0` = default.",
                        "x-parser-schema-id": "<anonymous-schema-22>"
                      },
                      {
                        "title": "state",
                        "allOf": [
                          {
                            "type": "string",
                            "enum": [
                              "",
                              "wait",
                              "cancel",
                              "done",
                              "reject",
                              "pending",
                              "trigger_wait",
                              "trigger_cancel",
                              "trigger_reject"
                            ],
                            "x-enum-normalized": {
                              "": "",
                              "wait": "open",
                              "cancel": "cancelled",
                              "done": "filled",
                              "reject": "rejected",
                              "pending": "pending",
                              "trigger_wait": "trigger_wait",
                              "trigger_cancel": "trigger_cancelled",
                              "trigger_reject": "trigger_rejected"
                            },
                            "x-enum-descriptions": {
                              "": "any state (no filter); normalized to the empty string, meaning \"no state filter\"",
                              "wait": "open orders",
                              "cancel": "cancelled orders",
                              "done": "filled orders",
                              "reject": "rejected orders",
                              "pending": "pending orders",
                              "trigger_wait": "trigger orders waiting for their trigger price",
                              "trigger_cancel": "cancelled trigger orders",
                              "trigger_reject": "rejected trigger orders"
                            },
                            "description": "`list_orders` state filter (long state names). `\"\"` means any state; its normalized value is the empty string.",
                            "x-parser-schema-id": "ListOrdersState"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-23>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 4,
                    "x-parser-schema-id": "ListOrdersArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-19>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrdersRequest"
          },
          "examples": [
            {
              "name": "allOrders",
              "summary": "Get all your orders.",
              "payload": [
                1,
                2,
                "list_orders",
                [
                  "",
                  0,
                  0,
                  ""
                ]
              ]
            },
            {
              "name": "openByMarket",
              "summary": "Get all your open orders by market.",
              "payload": [
                1,
                2,
                "list_orders",
                [
                  "btcusd",
                  0,
                  0,
                  "wait"
                ]
              ]
            },
            {
              "name": "openPaginated",
              "summary": "Get your open orders by state with pagination.",
              "payload": [
                1,
                2,
                "list_orders",
                [
                  "",
                  1,
                  25,
                  "wait"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrdersRequest"
        },
        "listOrdersReply": {
          "name": "listOrdersReply",
          "title": "list_orders reply",
          "summary": "`[2, request_id, \"list_orders\", [order_row, ...]]` with 15-slot order rows",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"list_orders\", OrderList]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-24>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-25>"
              },
              {
                "title": "method",
                "const": "list_orders",
                "x-parser-schema-id": "<anonymous-schema-26>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Order rows (15 slots each in list replies).",
                    "items": {
                      "type": "array",
                      "description": "Order row (docs \"Order response schema\"). List replies (`list_orders`, `list_orders_by_uuids`) carry the 15 documented slots; order events `on`/`ou`/`oc` carry 16 (+ `trigger_price`) and the reject event `or` 17 (+ `reject_reason`); the 16th and 17th slots come from the open-finance protocol's public source, not the docs.",
                      "items": [
                        {
                          "title": "market",
                          "type": "string",
                          "x-case": "upper",
                          "description": "Market id, e.g. `btcusd` (the gateway's `BTCUSD`).",
                          "x-parser-schema-id": "<anonymous-schema-28>"
                        },
                        {
                          "title": "id",
                          "type": "integer",
                          "minimum": 0,
                          "description": "Order id.",
                          "x-parser-schema-id": "<anonymous-schema-29>"
                        },
                        {
                          "title": "uuid",
                          "allOf": [
                            {
                              "type": "string",
                              "format": "uuid",
                              "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                              "description": "Order UUID in canonical 8-4-4-4-12 hex form. Finex issues time-based (version 1) UUIDs such as `6dcc2c8e-c295-11ea-b7ad-1831bf9834b0`, so no version nibble is enforced.",
                              "x-parser-schema-id": "Uuid"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-30>"
                        },
                        {
                          "title": "side",
                          "allOf": [
                            {
                              "type": "string",
                              "enum": [
                                "buy",
                                "sell"
                              ],
                              "x-enum-normalized": {
                                "buy": "buy",
                                "sell": "sell"
                              },
                              "x-enum-descriptions": {
                                "buy": "Buy (bid) side.",
                                "sell": "Sell (ask) side."
                              },
                              "description": "Order side: `buy` or `sell`.",
                              "x-parser-schema-id": "Side"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-31>"
                        },
                        {
                          "title": "state",
                          "allOf": [
                            {
                              "type": "string",
                              "enum": [
                                "p",
                                "w",
                                "d",
                                "r",
                                "c",
                                "tw",
                                "tc",
                                "tr"
                              ],
                              "x-enum-normalized": {
                                "p": "pending",
                                "w": "open",
                                "d": "filled",
                                "r": "rejected",
                                "c": "cancelled",
                                "tw": "trigger_wait",
                                "tc": "trigger_cancelled",
                                "tr": "trigger_rejected"
                              },
                              "x-enum-descriptions": {
                                "p": "pending (not yet accepted by the matching engine)",
                                "w": "wait (open in the order book)",
                                "d": "done (fully filled)",
                                "r": "rejected",
                                "c": "cancelled",
                                "tw": "trigger wait (stop/take order waiting for its trigger price)",
                                "tc": "trigger cancelled",
                                "tr": "trigger rejected"
                              },
                              "description": "One-letter order state code of order rows: p pending, w wait/open, d done/filled, r rejected, c cancelled, tw trigger wait, tc trigger cancelled, tr trigger rejected.",
                              "x-parser-schema-id": "OrderStateCode"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-32>"
                        },
                        {
                          "title": "type",
                          "allOf": [
                            {
                              "type": "string",
                              "enum": [
                                "l",
                                "m",
                                "p",
                                "f",
                                "sl",
                                "slm",
                                "tp",
                                "tlm"
                              ],
                              "x-enum-normalized": {
                                "l": "limit",
                                "m": "market",
                                "p": "post_only",
                                "f": "fill_or_kill",
                                "sl": "stop_loss",
                                "slm": "stop_limit",
                                "tp": "take_profit",
                                "tlm": "take_limit"
                              },
                              "x-enum-descriptions": {
                                "l": "limit",
                                "m": "market",
                                "p": "post only",
                                "f": "fill or kill",
                                "sl": "stop loss",
                                "slm": "stop limit",
                                "tp": "take profit",
                                "tlm": "take limit"
                              },
                              "description": "Order type code of order rows: l limit, m market, p post only, f fill or kill, sl stop loss, slm stop limit, tp take profit, tlm take limit.",
                              "x-parser-schema-id": "OrderTypeCode"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-33>"
                        },
                        {
                          "title": "price",
                          "allOf": [
                            {
                              "type": "string",
                              "x-decimal": true,
                              "pattern": "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$",
                              "description": "Decimal amount as a JSON string (`\"9120\"`, `\"0.25\"`, `\"0.250000\"`); never converted to a float, trailing zeros are kept.",
                              "examples": [
                                "9120",
                                "0.25"
                              ],
                              "x-parser-schema-id": "DecimalString"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-34>"
                        },
                        {
                          "title": "avg_price",
                          "x-name": "average_price",
                          "description": "Average execution price (`0` until something executed).",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-35>"
                        },
                        {
                          "title": "volume",
                          "x-name": "remaining_volume",
                          "description": "Remaining volume.",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-36>"
                        },
                        {
                          "title": "original_volume",
                          "x-name": "volume",
                          "description": "Requested volume.",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-37>"
                        },
                        {
                          "title": "executed_volume",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-38>"
                        },
                        {
                          "title": "trades_count",
                          "type": "integer",
                          "minimum": 0,
                          "x-parser-schema-id": "<anonymous-schema-39>"
                        },
                        {
                          "title": "created_at",
                          "description": "The docs' \"Timestamp\" column.",
                          "allOf": [
                            {
                              "x-timestamp": true,
                              "description": "Unix time in seconds: an integer, or a string of digits (the websocket trade timestamp may be sent as a digit string). The gateway always emits integers.",
                              "oneOf": [
                                {
                                  "type": "integer",
                                  "minimum": 0,
                                  "x-parser-schema-id": "<anonymous-schema-41>"
                                },
                                {
                                  "type": "string",
                                  "pattern": "^[0-9]+$",
                                  "x-parser-schema-id": "<anonymous-schema-42>"
                                }
                              ],
                              "x-parser-schema-id": "Timestamp"
                            }
                          ],
                          "x-parser-schema-id": "<anonymous-schema-40>"
                        },
                        {
                          "title": "maker_fee",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-43>"
                        },
                        {
                          "title": "taker_fee",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-44>"
                        },
                        {
                          "title": "trigger_price",
                          "description": "Trigger price (order events only; from the open-finance protocol source); `0` when the order has none, which the gateway serves as null (`x-none-when`).",
                          "x-none-when": [
                            "0"
                          ],
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-45>"
                        },
                        {
                          "title": "reject_reason",
                          "type": "string",
                          "description": "Why the order was rejected (`or` event only; from the open-finance protocol source).",
                          "x-parser-schema-id": "<anonymous-schema-46>"
                        }
                      ],
                      "additionalItems": false,
                      "minItems": 15,
                      "x-parser-schema-id": "OrderRow"
                    },
                    "x-parser-schema-id": "OrderList"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-27>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrdersReply"
          },
          "examples": [
            {
              "name": "oneOpenOrder",
              "summary": "Docs example (trailing commas removed).",
              "payload": [
                2,
                2,
                "list_orders",
                [
                  [
                    "btcusd",
                    97,
                    "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0",
                    "sell",
                    "w",
                    "l",
                    "9120",
                    "0",
                    "0.25",
                    "0.25",
                    "0",
                    0,
                    1594386563,
                    "0.25",
                    "0.25"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrdersReply"
        },
        "listOrdersByUuidsRequest": {
          "name": "listOrdersByUuidsRequest",
          "title": "list_orders_by_uuids request",
          "summary": "`[1, request_id, \"list_orders_by_uuids\", [uuid, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"list_orders_by_uuids\", ListOrdersByUuidsArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-47>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-48>"
              },
              {
                "title": "method",
                "const": "list_orders_by_uuids",
                "x-parser-schema-id": "<anonymous-schema-49>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`list_orders_by_uuids` arguments: the order UUIDs (not a tuple).",
                    "items": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]",
                    "minItems": 1,
                    "x-parser-schema-id": "ListOrdersByUuidsArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-50>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrdersByUuidsRequest"
          },
          "examples": [
            {
              "name": "twoOrders",
              "summary": "Docs example.",
              "payload": [
                1,
                3,
                "list_orders_by_uuids",
                [
                  "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0",
                  "4fec493d-c2a2-11ea-b670-1831bf9834b0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrdersByUuidsRequest"
        },
        "listOrdersByUuidsReply": {
          "name": "listOrdersByUuidsReply",
          "title": "list_orders_by_uuids reply",
          "summary": "`[2, request_id, \"list_orders_by_uuids\", [order_row, ...]]` with 15-slot order rows",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"list_orders_by_uuids\", OrderList]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-51>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-52>"
              },
              {
                "title": "method",
                "const": "list_orders_by_uuids",
                "x-parser-schema-id": "<anonymous-schema-53>"
              },
              {
                "title": "result",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0]"
                ],
                "x-parser-schema-id": "<anonymous-schema-54>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrdersByUuidsReply"
          },
          "examples": [
            {
              "name": "twoOrders",
              "summary": "Docs example (trailing commas removed).",
              "payload": [
                2,
                3,
                "list_orders_by_uuids",
                [
                  [
                    "btcusd",
                    97,
                    "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0",
                    "sell",
                    "w",
                    "l",
                    "9120",
                    "0",
                    "0.25",
                    "0.25",
                    "0",
                    0,
                    1594386563,
                    "0.25",
                    "0.25"
                  ],
                  [
                    "btcusd",
                    98,
                    "4fec493d-c2a2-11ea-b670-1831bf9834b0",
                    "sell",
                    "c",
                    "m",
                    "0",
                    "0",
                    "0.25",
                    "0.25",
                    "0",
                    0,
                    1594392096,
                    "0.25",
                    "0.25"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrdersByUuidsReply"
        },
        "listOrderTradesRequest": {
          "name": "listOrderTradesRequest",
          "title": "list_order_trades request",
          "summary": "`[1, request_id, \"list_order_trades\", [order_uuid]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"list_order_trades\", ListOrderTradesArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-55>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-56>"
              },
              {
                "title": "method",
                "const": "list_order_trades",
                "x-parser-schema-id": "<anonymous-schema-57>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`list_order_trades` arguments `[order_uuid]`.",
                    "items": [
                      {
                        "title": "order_uuid",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-59>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 1,
                    "x-parser-schema-id": "ListOrderTradesArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-58>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrderTradesRequest"
          },
          "examples": [
            {
              "name": "oneOrder",
              "summary": "Docs example.",
              "payload": [
                1,
                42,
                "list_order_trades",
                [
                  "ab224fef-c2a2-11ea-b670-1831bf9834b0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrderTradesRequest"
        },
        "listOrderTradesReply": {
          "name": "listOrderTradesReply",
          "title": "list_order_trades reply",
          "summary": "`[2, request_id, \"list_order_trades\", [trade_row, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"list_order_trades\", TradeList]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-60>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-61>"
              },
              {
                "title": "method",
                "const": "list_order_trades",
                "x-parser-schema-id": "<anonymous-schema-62>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Trade rows.",
                    "items": {
                      "type": "array",
                      "description": "Trade row (docs \"Trade response schema\"). The docs call the fourth column \"Amount\"; its normalized name is `volume` (the slot title).",
                      "items": [
                        {
                          "title": "market",
                          "type": "string",
                          "x-case": "upper",
                          "x-parser-schema-id": "<anonymous-schema-64>"
                        },
                        {
                          "title": "id",
                          "type": "integer",
                          "minimum": 0,
                          "x-parser-schema-id": "<anonymous-schema-65>"
                        },
                        {
                          "title": "price",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-66>"
                        },
                        {
                          "title": "volume",
                          "description": "The docs' \"Amount\".",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-67>"
                        },
                        {
                          "title": "total",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-68>"
                        },
                        {
                          "title": "order_id",
                          "type": "integer",
                          "minimum": 0,
                          "x-parser-schema-id": "<anonymous-schema-69>"
                        },
                        {
                          "title": "order_uuid",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-70>"
                        },
                        {
                          "title": "order_side",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[3].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-71>"
                        },
                        {
                          "title": "taker_side",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[3].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-72>"
                        },
                        {
                          "title": "fee",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-73>"
                        },
                        {
                          "title": "fee_unit",
                          "x-name": "fee_currency",
                          "x-case": "upper",
                          "type": "string",
                          "description": "Currency of the fee, e.g. `btc` (the gateway's `BTC`).",
                          "x-parser-schema-id": "<anonymous-schema-74>"
                        },
                        {
                          "title": "created_at",
                          "description": "The docs' \"Timestamp\" column; integer or digit string.",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[12].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-75>"
                        }
                      ],
                      "additionalItems": false,
                      "minItems": 12,
                      "x-parser-schema-id": "TradeRow"
                    },
                    "x-parser-schema-id": "TradeList"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-63>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ListOrderTradesReply"
          },
          "examples": [
            {
              "name": "oneTrade",
              "summary": "Docs example.",
              "payload": [
                2,
                42,
                "list_order_trades",
                [
                  [
                    "btcusd",
                    33,
                    "9120",
                    "0.25",
                    "2280",
                    100,
                    "ab224fef-c2a2-11ea-b670-1831bf9834b0",
                    "buy",
                    "buy",
                    "0.0005",
                    "btc",
                    1594392250
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "listOrderTradesReply"
        },
        "createOrderRequest": {
          "name": "createOrderRequest",
          "title": "create_order request",
          "summary": "`[1, request_id, \"create_order\", [market, type, side, amount, price, quote_amount?]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"create_order\", CreateOrderArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-76>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-77>"
              },
              {
                "title": "method",
                "const": "create_order",
                "x-parser-schema-id": "<anonymous-schema-78>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`create_order` arguments `[market, type, side, amount, price, quote_amount?]` (also one element of `create_bulk`).",
                    "items": [
                      {
                        "title": "market",
                        "type": "string",
                        "minLength": 1,
                        "x-case": "lower",
                        "description": "Market id, lower case (`btcusdt`); the gateway accepts any case.",
                        "x-parser-schema-id": "<anonymous-schema-80>"
                      },
                      {
                        "title": "type",
                        "allOf": [
                          {
                            "type": "string",
                            "enum": [
                              "l",
                              "L",
                              "m",
                              "M",
                              "p",
                              "P"
                            ],
                            "x-enum-normalized": {
                              "l": "limit",
                              "L": "limit",
                              "m": "market",
                              "M": "market",
                              "p": "post_only",
                              "P": "post_only"
                            },
                            "x-enum-descriptions": {
                              "l": "limit",
                              "L": "limit (upper-case form of the docs' argument table)",
                              "m": "market",
                              "M": "market (upper-case form of the docs' argument table)",
                              "p": "post only",
                              "P": "post only (upper-case form of the docs' argument table)"
                            },
                            "description": "Docs contradict themselves: the argument table says \"M is Market L is Limit P is PostOnly\" (upper case) but the examples send lower-case `m`/`l`; both cases are accepted.",
                            "x-parser-schema-id": "CreateOrderType"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-81>"
                      },
                      {
                        "title": "side",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[3].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-82>"
                      },
                      {
                        "title": "amount",
                        "x-name": "volume",
                        "description": "Order size (base currency); the gateway's `volume`, as on REST.",
                        "allOf": [
                          {
                            "x-decimal": true,
                            "description": "Decimal request argument: the docs say \"string, int, float\" (`create_order` amount, price, quote_amount). A decimal string (exponent form allowed) or a JSON number.",
                            "oneOf": [
                              {
                                "type": "string",
                                "pattern": "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$",
                                "x-parser-schema-id": "<anonymous-schema-84>"
                              },
                              {
                                "type": "number",
                                "x-parser-schema-id": "<anonymous-schema-85>"
                              }
                            ],
                            "x-parser-schema-id": "DecimalInput"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-83>"
                      },
                      {
                        "title": "price",
                        "description": "Limit price; ignored for market orders.",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0].items[3].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-86>"
                      },
                      {
                        "title": "quote_amount",
                        "description": "Optional; only for market buy orders: how much of the quote currency the user is willing to spend.",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0].items[3].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-87>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 5,
                    "x-parser-schema-id": "CreateOrderArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-79>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CreateOrderRequest"
          },
          "examples": [
            {
              "name": "marketSell",
              "summary": "Docs example.",
              "payload": [
                1,
                42,
                "create_order",
                [
                  "btcusd",
                  "m",
                  "sell",
                  "0.250000",
                  "9120.00"
                ]
              ]
            },
            {
              "name": "marketBuyWithQuoteAmount",
              "summary": "Market buy spending at most 1000 quote units (optional sixth argument), numbers allowed.",
              "payload": [
                1,
                43,
                "create_order",
                [
                  "btcusd",
                  "M",
                  "buy",
                  0.25,
                  0,
                  "1000"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "createOrderRequest"
        },
        "createOrderReply": {
          "name": "createOrderReply",
          "title": "create_order reply",
          "summary": "`[2, request_id, \"create_order\", [uuid]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"create_order\", CreateOrderResult]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-88>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-89>"
              },
              {
                "title": "method",
                "const": "create_order",
                "x-parser-schema-id": "<anonymous-schema-90>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`create_order` result `[uuid]` of the order pushed to the engine.",
                    "items": [
                      {
                        "title": "uuid",
                        "allOf": [
                          "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]"
                        ],
                        "x-parser-schema-id": "<anonymous-schema-92>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 1,
                    "x-parser-schema-id": "CreateOrderResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-91>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CreateOrderReply"
          },
          "examples": [
            {
              "name": "created",
              "summary": "Docs example.",
              "payload": [
                2,
                42,
                "create_order",
                [
                  "4fec493d-c2a2-11ea-b670-1831bf9834b0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "createOrderReply"
        },
        "cancelOrderRequest": {
          "name": "cancelOrderRequest",
          "title": "cancel_order request",
          "summary": "`[1, request_id, \"cancel_order\", [[market, uuid], ...]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"cancel_order\", CancelOrderArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-93>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-94>"
              },
              {
                "title": "method",
                "const": "cancel_order",
                "x-parser-schema-id": "<anonymous-schema-95>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`cancel_order` arguments: a non-empty list of `[market, uuid]` pairs.",
                    "items": {
                      "type": "array",
                      "description": "One order to cancel, `[market, uuid]`.",
                      "items": [
                        {
                          "title": "market",
                          "type": "string",
                          "x-case": "lower",
                          "x-parser-schema-id": "<anonymous-schema-97>"
                        },
                        {
                          "title": "uuid",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-98>"
                        }
                      ],
                      "additionalItems": false,
                      "minItems": 2,
                      "x-parser-schema-id": "CancelTarget"
                    },
                    "minItems": 1,
                    "x-parser-schema-id": "CancelOrderArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-96>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CancelOrderRequest"
          },
          "examples": [
            {
              "name": "twoOrders",
              "summary": "Docs example.",
              "payload": [
                1,
                42,
                "cancel_order",
                [
                  [
                    "btcusd",
                    "bc8b9e47-ac5f-443c-ae7b-e4e9758df20b"
                  ],
                  [
                    "ethusd",
                    "ac1b9e47-ac5f-443c-ae7b-e4e9758df20b"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "cancelOrderRequest"
        },
        "cancelOrderReply": {
          "name": "cancelOrderReply",
          "title": "cancel_order reply",
          "summary": "`[2, request_id, \"cancel_order\", []]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"cancel_order\", []]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-99>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-100>"
              },
              {
                "title": "method",
                "const": "cancel_order",
                "x-parser-schema-id": "<anonymous-schema-101>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Empty result (`cancel_order`, `cancel_all`, `set_config_value`).",
                    "maxItems": 0,
                    "x-parser-schema-id": "EmptyResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-102>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CancelOrderReply"
          },
          "examples": [
            {
              "name": "cancelled",
              "summary": "Docs example.",
              "payload": [
                2,
                42,
                "cancel_order",
                []
              ]
            }
          ],
          "x-parser-unique-object-id": "cancelOrderReply"
        },
        "cancelAllRequest": {
          "name": "cancelAllRequest",
          "title": "cancel_all request",
          "summary": "`[1, request_id, \"cancel_all\", []]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"cancel_all\", CancelAllArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-103>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-104>"
              },
              {
                "title": "method",
                "const": "cancel_all",
                "x-parser-schema-id": "<anonymous-schema-105>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`cancel_all` takes no arguments (empty array).",
                    "maxItems": 0,
                    "x-parser-schema-id": "CancelAllArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-106>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CancelAllRequest"
          },
          "examples": [
            {
              "name": "cancelAll",
              "summary": "Docs example.",
              "payload": [
                1,
                42,
                "cancel_all",
                []
              ]
            }
          ],
          "x-parser-unique-object-id": "cancelAllRequest"
        },
        "cancelAllReply": {
          "name": "cancelAllReply",
          "title": "cancel_all reply",
          "summary": "`[2, request_id, \"cancel_all\", []]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"cancel_all\", []]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-107>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-108>"
              },
              {
                "title": "method",
                "const": "cancel_all",
                "x-parser-schema-id": "<anonymous-schema-109>"
              },
              {
                "title": "result",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.cancelOrderReply.payload.items[3].allOf[0]"
                ],
                "x-parser-schema-id": "<anonymous-schema-110>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CancelAllReply"
          },
          "examples": [
            {
              "name": "cancelled",
              "summary": "Docs example.",
              "payload": [
                2,
                42,
                "cancel_all",
                []
              ]
            }
          ],
          "x-parser-unique-object-id": "cancelAllReply"
        },
        "createBulkRequest": {
          "name": "createBulkRequest",
          "title": "create_bulk request",
          "summary": "`[1, request_id, \"create_bulk\", [create_order_args, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"create_bulk\", CreateBulkArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-111>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-112>"
              },
              {
                "title": "method",
                "const": "create_bulk",
                "x-parser-schema-id": "<anonymous-schema-113>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`create_bulk` arguments: a non-empty list of `create_order` argument tuples.",
                    "items": "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0]",
                    "minItems": 1,
                    "x-parser-schema-id": "CreateBulkArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-114>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CreateBulkRequest"
          },
          "examples": [
            {
              "name": "twoLimitOrders",
              "summary": "Docs example.",
              "payload": [
                1,
                42,
                "create_bulk",
                [
                  [
                    "btcusd",
                    "l",
                    "buy",
                    "0.250000",
                    "9120.00"
                  ],
                  [
                    "btcusd",
                    "l",
                    "sell",
                    "0.250000",
                    "9120.00"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "createBulkRequest"
        },
        "createBulkReply": {
          "name": "createBulkReply",
          "title": "create_bulk reply",
          "summary": "`[2, request_id, \"create_bulk\", [uuid | \"error\", ...]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"create_bulk\", CreateBulkResult]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-115>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-116>"
              },
              {
                "title": "method",
                "const": "create_bulk",
                "x-parser-schema-id": "<anonymous-schema-117>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`create_bulk` result: one outcome per requested order, in request order.",
                    "items": {
                      "description": "UUID of the created order, or the string `\"error\"` if that order failed.",
                      "oneOf": [
                        "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]",
                        {
                          "type": "string",
                          "const": "error",
                          "x-parser-schema-id": "<anonymous-schema-119>"
                        }
                      ],
                      "x-parser-schema-id": "BulkOrderOutcome"
                    },
                    "x-parser-schema-id": "CreateBulkResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-118>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "CreateBulkReply"
          },
          "examples": [
            {
              "name": "bothCreated",
              "summary": "Docs example.",
              "payload": [
                2,
                42,
                "create_bulk",
                [
                  "04852bd8-c2a3-11ea-b670-1831bf9834b0",
                  "04855535-c2a3-11ea-b670-1831bf9834b0"
                ]
              ]
            },
            {
              "name": "secondFailed",
              "summary": "The second order failed (documented `\"error\"` entry).",
              "payload": [
                2,
                42,
                "create_bulk",
                [
                  "04852bd8-c2a3-11ea-b670-1831bf9834b0",
                  "error"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "createBulkReply"
        },
        "getDepositsRequest": {
          "name": "getDepositsRequest",
          "title": "get_deposits request",
          "summary": "`[1, request_id, \"get_deposits\", [state, page, limit]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"get_deposits\", GetTransfersArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-120>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-121>"
              },
              {
                "title": "method",
                "const": "get_deposits",
                "x-parser-schema-id": "<anonymous-schema-122>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`get_deposits` / `get_withdraws` arguments `[state, page, limit]`.",
                    "items": [
                      {
                        "title": "state",
                        "type": "string",
                        "description": "Transfer state filter, e.g. `confirmed`.",
                        "x-parser-schema-id": "<anonymous-schema-124>"
                      },
                      {
                        "title": "page",
                        "type": "integer",
                        "minimum": 0,
                        "x-parser-schema-id": "<anonymous-schema-125>"
                      },
                      {
                        "title": "limit",
                        "type": "integer",
                        "minimum": 0,
                        "x-parser-schema-id": "<anonymous-schema-126>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 3,
                    "x-parser-schema-id": "GetTransfersArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-123>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetDepositsRequest"
          },
          "examples": [
            {
              "name": "confirmed",
              "summary": "Docs example.",
              "payload": [
                1,
                2,
                "get_deposits",
                [
                  "confirmed",
                  1,
                  25
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "getDepositsRequest"
        },
        "getDepositsReply": {
          "name": "getDepositsReply",
          "title": "get_deposits reply",
          "summary": "`[2, request_id, \"get_deposits\", [transfer_row, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"get_deposits\", TransferList]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-127>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-128>"
              },
              {
                "title": "method",
                "const": "get_deposits",
                "x-parser-schema-id": "<anonymous-schema-129>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Deposit or withdrawal rows.",
                    "items": {
                      "type": "array",
                      "description": "Deposit or withdrawal row (docs \"Deposit/Withdraw response schema\").",
                      "items": [
                        {
                          "title": "id",
                          "type": "integer",
                          "minimum": 0,
                          "x-parser-schema-id": "<anonymous-schema-131>"
                        },
                        {
                          "title": "user_id",
                          "type": "string",
                          "description": "The docs' \"UserID\" (a UUID in the docs example).",
                          "x-parser-schema-id": "<anonymous-schema-132>"
                        },
                        {
                          "title": "currency",
                          "type": "string",
                          "x-case": "upper",
                          "description": "The docs' \"CurrencyID\", e.g. `eth` (the gateway's `ETH`).",
                          "x-parser-schema-id": "<anonymous-schema-133>"
                        },
                        {
                          "title": "state",
                          "type": "string",
                          "description": "Transfer state, e.g. `confirmed` (the docs list no closed set).",
                          "x-parser-schema-id": "<anonymous-schema-134>"
                        },
                        {
                          "title": "amount",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-135>"
                        },
                        {
                          "title": "txid",
                          "type": "string",
                          "x-parser-schema-id": "<anonymous-schema-136>"
                        },
                        {
                          "title": "block_number",
                          "type": "integer",
                          "minimum": 0,
                          "x-parser-schema-id": "<anonymous-schema-137>"
                        },
                        {
                          "title": "remote_id",
                          "type": "string",
                          "x-parser-schema-id": "<anonymous-schema-138>"
                        },
                        {
                          "title": "expires_at",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[12].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-139>"
                        },
                        {
                          "title": "created_at",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[12].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-140>"
                        }
                      ],
                      "additionalItems": false,
                      "minItems": 10,
                      "x-parser-schema-id": "TransferRow"
                    },
                    "x-parser-schema-id": "TransferList"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-130>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetDepositsReply"
          },
          "examples": [
            {
              "name": "oneDeposit",
              "summary": "Docs example.",
              "payload": [
                2,
                2,
                "get_deposits",
                [
                  [
                    9,
                    "fda0dc69-7f8c-47e0-996d-e73caabc4835",
                    "eth",
                    "confirmed",
                    "1000",
                    "0x51a20564eaba83669460c4f45efbde9c",
                    2,
                    "0x12",
                    1594392250,
                    1594392250
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "getDepositsReply"
        },
        "getWithdrawsRequest": {
          "name": "getWithdrawsRequest",
          "title": "get_withdraws request",
          "summary": "`[1, request_id, \"get_withdraws\", [state, page, limit]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"get_withdraws\", GetTransfersArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-141>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-142>"
              },
              {
                "title": "method",
                "const": "get_withdraws",
                "x-parser-schema-id": "<anonymous-schema-143>"
              },
              {
                "title": "args",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.getDepositsRequest.payload.items[3].allOf[0]"
                ],
                "x-parser-schema-id": "<anonymous-schema-144>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetWithdrawsRequest"
          },
          "examples": [
            {
              "name": "confirmed",
              "summary": "Docs example.",
              "payload": [
                1,
                2,
                "get_withdraws",
                [
                  "confirmed",
                  1,
                  25
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "getWithdrawsRequest"
        },
        "getWithdrawsReply": {
          "name": "getWithdrawsReply",
          "title": "get_withdraws reply",
          "summary": "`[2, request_id, \"get_withdraws\", [transfer_row, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"get_withdraws\", TransferList]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-145>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-146>"
              },
              {
                "title": "method",
                "const": "get_withdraws",
                "x-parser-schema-id": "<anonymous-schema-147>"
              },
              {
                "title": "result",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.getDepositsReply.payload.items[3].allOf[0]"
                ],
                "x-parser-schema-id": "<anonymous-schema-148>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetWithdrawsReply"
          },
          "examples": [
            {
              "name": "oneWithdrawal",
              "summary": "Docs example.",
              "payload": [
                2,
                2,
                "get_withdraws",
                [
                  [
                    9,
                    "fda0dc69-7f8c-47e0-996d-e73caabc4835",
                    "eth",
                    "confirmed",
                    "1000",
                    "0x51a20564eaba83669460c4f45efbde9c",
                    2,
                    "0x12",
                    1594392250,
                    1594392250
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "getWithdrawsReply"
        },
        "setConfigValueRequest": {
          "name": "setConfigValueRequest",
          "title": "set_config_value request",
          "summary": "`[1, request_id, \"set_config_value\", [component, key, value, scope]]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"set_config_value\", SetConfigValueArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-149>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-150>"
              },
              {
                "title": "method",
                "const": "set_config_value",
                "x-parser-schema-id": "<anonymous-schema-151>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`set_config_value` arguments `[component, key, value, scope]`.",
                    "items": [
                      {
                        "title": "component",
                        "type": "string",
                        "description": "Component name, e.g. `finex`.",
                        "x-parser-schema-id": "<anonymous-schema-153>"
                      },
                      {
                        "title": "key",
                        "type": "string",
                        "x-parser-schema-id": "<anonymous-schema-154>"
                      },
                      {
                        "title": "value",
                        "allOf": [
                          {
                            "description": "A configuration value: string, boolean, number or list of strings.",
                            "oneOf": [
                              {
                                "type": "string",
                                "x-parser-schema-id": "<anonymous-schema-156>"
                              },
                              {
                                "type": "boolean",
                                "x-parser-schema-id": "<anonymous-schema-157>"
                              },
                              {
                                "type": "number",
                                "x-parser-schema-id": "<anonymous-schema-158>"
                              },
                              {
                                "type": "array",
                                "items": {
                                  "type": "string",
                                  "x-parser-schema-id": "<anonymous-schema-160>"
                                },
                                "x-parser-schema-id": "<anonymous-schema-159>"
                              }
                            ],
                            "x-parser-schema-id": "ConfigValue"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-155>"
                      },
                      {
                        "title": "scope",
                        "allOf": [
                          {
                            "type": "string",
                            "enum": [
                              "public",
                              "private",
                              "secret"
                            ],
                            "x-enum-descriptions": {
                              "public": "Public configuration value.",
                              "private": "Private configuration value.",
                              "secret": "Secret value; `get_config` returns it masked as `\"******\"`."
                            },
                            "description": "Configuration scope: `public`, `private` or `secret`.",
                            "x-parser-schema-id": "ConfigScope"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-161>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 4,
                    "x-parser-schema-id": "SetConfigValueArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-152>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "SetConfigValueRequest"
          },
          "examples": [
            {
              "name": "booleanValue",
              "summary": "Docs example.",
              "payload": [
                1,
                2,
                "set_config_value",
                [
                  "finex",
                  "auth",
                  true,
                  "public"
                ]
              ]
            },
            {
              "name": "listValue",
              "summary": "A list value in the secret scope (values from the docs' argument table).",
              "payload": [
                1,
                3,
                "set_config_value",
                [
                  "finex",
                  "finex_var",
                  [
                    "1",
                    "2"
                  ],
                  "secret"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "setConfigValueRequest"
        },
        "setConfigValueReply": {
          "name": "setConfigValueReply",
          "title": "set_config_value reply",
          "summary": "`[2, request_id, \"set_config_value\", []]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"set_config_value\", []]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-162>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-163>"
              },
              {
                "title": "method",
                "const": "set_config_value",
                "x-parser-schema-id": "<anonymous-schema-164>"
              },
              {
                "title": "result",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.cancelOrderReply.payload.items[3].allOf[0]"
                ],
                "x-parser-schema-id": "<anonymous-schema-165>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "SetConfigValueReply"
          },
          "examples": [
            {
              "name": "stored",
              "summary": "Docs example.",
              "payload": [
                2,
                2,
                "set_config_value",
                []
              ]
            }
          ],
          "x-parser-unique-object-id": "setConfigValueReply"
        },
        "getConfigRequest": {
          "name": "getConfigRequest",
          "title": "get_config request",
          "summary": "`[1, request_id, \"get_config\", []]`",
          "payload": {
            "type": "array",
            "description": "`[1, request_id, \"get_config\", GetConfigArgs]`",
            "items": [
              {
                "title": "frame_type",
                "const": 1,
                "x-parser-schema-id": "<anonymous-schema-166>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-167>"
              },
              {
                "title": "method",
                "const": "get_config",
                "x-parser-schema-id": "<anonymous-schema-168>"
              },
              {
                "title": "args",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`get_config` takes no arguments (empty array).",
                    "maxItems": 0,
                    "x-parser-schema-id": "GetConfigArgs"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-169>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetConfigRequest"
          },
          "examples": [
            {
              "name": "getConfig",
              "summary": "Docs example.",
              "payload": [
                1,
                2,
                "get_config",
                []
              ]
            }
          ],
          "x-parser-unique-object-id": "getConfigRequest"
        },
        "getConfigReply": {
          "name": "getConfigReply",
          "title": "get_config reply",
          "summary": "`[2, request_id, \"get_config\", [{component: {scope: {key: value}}}]]`",
          "payload": {
            "type": "array",
            "description": "`[2, request_id, \"get_config\", GetConfigResult]`",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-170>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-171>"
              },
              {
                "title": "method",
                "const": "get_config",
                "x-parser-schema-id": "<anonymous-schema-172>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "description": "`get_config` result: one configuration object.",
                    "items": [
                      {
                        "title": "config",
                        "allOf": [
                          {
                            "type": "object",
                            "description": "Whole configuration keyed by component (`{component: {scope: {key: value}}}`).",
                            "propertyNames": {
                              "title": "component",
                              "type": "string",
                              "x-parser-schema-id": "<anonymous-schema-177>"
                            },
                            "additionalProperties": {
                              "type": "object",
                              "description": "Configuration of one component, keyed by scope. Secret values are masked as `\"******\"`.",
                              "propertyNames": {
                                "title": "scope",
                                "allOf": [
                                  "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload.items[3].allOf[0].items[3].allOf[0]"
                                ],
                                "x-parser-schema-id": "<anonymous-schema-176>"
                              },
                              "additionalProperties": {
                                "type": "object",
                                "description": "Configuration values of one scope, keyed by key.",
                                "propertyNames": {
                                  "title": "key",
                                  "type": "string",
                                  "x-parser-schema-id": "<anonymous-schema-175>"
                                },
                                "additionalProperties": "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload.items[3].allOf[0].items[2].allOf[0]",
                                "x-parser-schema-id": "ConfigEntries"
                              },
                              "x-parser-schema-id": "ConfigComponent"
                            },
                            "x-parser-schema-id": "ConfigSnapshot"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-174>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 1,
                    "x-parser-schema-id": "GetConfigResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-173>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "GetConfigReply"
          },
          "examples": [
            {
              "name": "finexConfig",
              "summary": "Docs example (secret values are masked).",
              "payload": [
                2,
                2,
                "get_config",
                [
                  {
                    "finex": {
                      "private": {
                        "key_private": "value_private"
                      },
                      "public": {
                        "key_public": "value_public"
                      },
                      "secret": {
                        "key_secret": "******"
                      }
                    }
                  }
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "getConfigReply"
        },
        "errorReply": {
          "name": "errorReply",
          "title": "error reply",
          "summary": "`[2, request_id, \"error\", [description]]` (inferred layout)",
          "payload": {
            "type": "array",
            "x-inferred": true,
            "description": "Inferred: the docs only say a failed request is answered \"with error and short description\". Taken as `[2, request_id, \"error\", [description]]`; any request may get it, and private methods on an anonymous connection always do.",
            "items": [
              {
                "title": "frame_type",
                "const": 2,
                "x-parser-schema-id": "<anonymous-schema-178>"
              },
              {
                "title": "request_id",
                "type": "integer",
                "minimum": 0,
                "x-parser-schema-id": "<anonymous-schema-179>"
              },
              {
                "title": "method",
                "const": "error",
                "x-parser-schema-id": "<anonymous-schema-180>"
              },
              {
                "title": "result",
                "allOf": [
                  {
                    "type": "array",
                    "x-inferred": true,
                    "description": "Inferred: the docs only say the server responds \"with error and short description\"; the result is taken to be `[description]`.",
                    "items": [
                      {
                        "title": "description",
                        "type": "string",
                        "x-parser-schema-id": "<anonymous-schema-182>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 1,
                    "x-parser-schema-id": "ErrorResult"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-181>"
              }
            ],
            "additionalItems": false,
            "minItems": 4,
            "x-parser-schema-id": "ErrorReply"
          },
          "examples": [
            {
              "name": "anonymous",
              "summary": "A private method called on an anonymous connection (illustrative text).",
              "payload": [
                2,
                42,
                "error",
                [
                  "authentication required"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "errorReply"
        },
        "orderCreatedEvent": {
          "name": "orderCreatedEvent",
          "title": "order created event",
          "summary": "`[4, \"on\", order_row]` (16 slots)",
          "payload": {
            "type": "array",
            "description": "`[4, \"on\", order_row]`: order created, 16-slot order row (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-183>"
              },
              {
                "title": "event",
                "const": "on",
                "x-parser-schema-id": "<anonymous-schema-184>"
              },
              {
                "title": "payload",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items",
                  {
                    "minItems": 16,
                    "maxItems": 16,
                    "x-parser-schema-id": "<anonymous-schema-186>"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-185>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "OrderCreatedEvent"
          },
          "examples": [
            {
              "name": "limitBuyCreated",
              "summary": "Illustrative values.",
              "payload": [
                4,
                "on",
                [
                  "btcusd",
                  99,
                  "b1f0d2a4-c2a3-11ea-b670-1831bf9834b0",
                  "buy",
                  "w",
                  "l",
                  "9120",
                  "0",
                  "0.25",
                  "0.25",
                  "0",
                  0,
                  1594392300,
                  "0.25",
                  "0.25",
                  "0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "orderCreatedEvent"
        },
        "orderUpdatedEvent": {
          "name": "orderUpdatedEvent",
          "title": "order updated event",
          "summary": "`[4, \"ou\", order_row]` (16 slots)",
          "payload": {
            "type": "array",
            "description": "`[4, \"ou\", order_row]`: order updated, 16-slot order row (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-187>"
              },
              {
                "title": "event",
                "const": "ou",
                "x-parser-schema-id": "<anonymous-schema-188>"
              },
              {
                "title": "payload",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items",
                  {
                    "minItems": 16,
                    "maxItems": 16,
                    "x-parser-schema-id": "<anonymous-schema-190>"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-189>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "OrderUpdatedEvent"
          },
          "examples": [
            {
              "name": "partiallyFilled",
              "summary": "Illustrative values.",
              "payload": [
                4,
                "ou",
                [
                  "btcusd",
                  99,
                  "b1f0d2a4-c2a3-11ea-b670-1831bf9834b0",
                  "buy",
                  "w",
                  "l",
                  "9120",
                  "9120",
                  "0.15",
                  "0.25",
                  "0.1",
                  1,
                  1594392300,
                  "0.25",
                  "0.25",
                  "0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "orderUpdatedEvent"
        },
        "orderCancelledEvent": {
          "name": "orderCancelledEvent",
          "title": "order cancelled event",
          "summary": "`[4, \"oc\", order_row]` (16 slots)",
          "payload": {
            "type": "array",
            "description": "`[4, \"oc\", order_row]`: order cancelled, 16-slot order row (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-191>"
              },
              {
                "title": "event",
                "const": "oc",
                "x-parser-schema-id": "<anonymous-schema-192>"
              },
              {
                "title": "payload",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items",
                  {
                    "minItems": 16,
                    "maxItems": 16,
                    "x-parser-schema-id": "<anonymous-schema-194>"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-193>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "OrderCancelledEvent"
          },
          "examples": [
            {
              "name": "cancelled",
              "summary": "Illustrative values.",
              "payload": [
                4,
                "oc",
                [
                  "btcusd",
                  99,
                  "b1f0d2a4-c2a3-11ea-b670-1831bf9834b0",
                  "buy",
                  "c",
                  "l",
                  "9120",
                  "9120",
                  "0.15",
                  "0.25",
                  "0.1",
                  1,
                  1594392300,
                  "0.25",
                  "0.25",
                  "0"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "orderCancelledEvent"
        },
        "orderRejectedEvent": {
          "name": "orderRejectedEvent",
          "title": "order rejected event",
          "summary": "`[4, \"or\", order_row]` (17 slots, the last is the reject reason)",
          "payload": {
            "type": "array",
            "description": "`[4, \"or\", order_row]`: order rejected, 17-slot order row ending with the reject reason (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-195>"
              },
              {
                "title": "event",
                "const": "or",
                "x-parser-schema-id": "<anonymous-schema-196>"
              },
              {
                "title": "payload",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items",
                  {
                    "minItems": 17,
                    "maxItems": 17,
                    "x-parser-schema-id": "<anonymous-schema-198>"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-197>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "OrderRejectedEvent"
          },
          "examples": [
            {
              "name": "rejected",
              "summary": "Illustrative values.",
              "payload": [
                4,
                "or",
                [
                  "btcusd",
                  100,
                  "c2a1e3b5-c2a3-11ea-b670-1831bf9834b0",
                  "sell",
                  "r",
                  "m",
                  "0",
                  "0",
                  "5",
                  "5",
                  "0",
                  0,
                  1594392400,
                  "0.25",
                  "0.25",
                  "0",
                  "insufficient balance"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "orderRejectedEvent"
        },
        "tradeEvent": {
          "name": "tradeEvent",
          "title": "private trade event",
          "summary": "`[4, \"tr\", trade_row]`",
          "payload": {
            "type": "array",
            "description": "`[4, \"tr\", trade_row]`: private trade of one of the user's orders (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-199>"
              },
              {
                "title": "event",
                "const": "tr",
                "x-parser-schema-id": "<anonymous-schema-200>"
              },
              {
                "title": "payload",
                "allOf": [
                  "$ref:$.channels.openFinance.messages.listOrderTradesReply.payload.items[3].allOf[0].items"
                ],
                "x-parser-schema-id": "<anonymous-schema-201>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "TradeEvent"
          },
          "examples": [
            {
              "name": "trade",
              "summary": "Illustrative values (timestamp as a digit string, which is accepted).",
              "payload": [
                4,
                "tr",
                [
                  "btcusd",
                  34,
                  "9120",
                  "0.1",
                  "912",
                  99,
                  "b1f0d2a4-c2a3-11ea-b670-1831bf9834b0",
                  "buy",
                  "sell",
                  "0.0002",
                  "btc",
                  "1594392310"
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "tradeEvent"
        },
        "balanceUpdateEvent": {
          "name": "balanceUpdateEvent",
          "title": "balance update event",
          "summary": "`[4, \"bu\", [balance_row, ...]]`",
          "payload": {
            "type": "array",
            "description": "`[4, \"bu\", [balance_row, ...]]`: balances changed (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 4,
                "x-parser-schema-id": "<anonymous-schema-202>"
              },
              {
                "title": "event",
                "const": "bu",
                "x-parser-schema-id": "<anonymous-schema-203>"
              },
              {
                "title": "payload",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Balance rows.",
                    "items": {
                      "type": "array",
                      "description": "Balance row of the `bu` event (from the open-finance protocol source, not the docs).",
                      "items": [
                        {
                          "title": "currency",
                          "type": "string",
                          "x-case": "upper",
                          "x-parser-schema-id": "<anonymous-schema-205>"
                        },
                        {
                          "title": "available",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-206>"
                        },
                        {
                          "title": "locked",
                          "allOf": [
                            "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]"
                          ],
                          "x-parser-schema-id": "<anonymous-schema-207>"
                        }
                      ],
                      "additionalItems": false,
                      "minItems": 3,
                      "x-parser-schema-id": "BalanceRow"
                    },
                    "x-parser-schema-id": "BalanceList"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-204>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "BalanceUpdateEvent"
          },
          "examples": [
            {
              "name": "twoCurrencies",
              "summary": "Illustrative values.",
              "payload": [
                4,
                "bu",
                [
                  [
                    "btc",
                    "1.25",
                    "0.25"
                  ],
                  [
                    "usd",
                    "10000",
                    "0"
                  ]
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "balanceUpdateEvent"
        },
        "heartbeatEvent": {
          "name": "heartbeatEvent",
          "title": "heartbeat event",
          "summary": "`[3, \"sys\", [{\"hb\": unix_seconds}]]`",
          "payload": {
            "type": "array",
            "description": "`[3, \"sys\", [{\"hb\": unix_seconds}]]`: public heartbeat (from the open-finance protocol's public source, not the docs).",
            "items": [
              {
                "title": "frame_type",
                "const": 3,
                "x-parser-schema-id": "<anonymous-schema-208>"
              },
              {
                "title": "event",
                "const": "sys",
                "x-parser-schema-id": "<anonymous-schema-209>"
              },
              {
                "title": "payload",
                "allOf": [
                  {
                    "type": "array",
                    "description": "Heartbeat event payload `[{\"hb\": unix_seconds}]`.",
                    "items": [
                      {
                        "title": "heartbeat",
                        "allOf": [
                          {
                            "type": "object",
                            "description": "Heartbeat body `{\"hb\": unix_seconds}`.",
                            "required": [
                              "hb"
                            ],
                            "properties": {
                              "hb": {
                                "allOf": [
                                  "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[12].allOf[0]"
                                ],
                                "x-parser-schema-id": "<anonymous-schema-212>"
                              }
                            },
                            "x-parser-schema-id": "Heartbeat"
                          }
                        ],
                        "x-parser-schema-id": "<anonymous-schema-211>"
                      }
                    ],
                    "additionalItems": false,
                    "minItems": 1,
                    "x-parser-schema-id": "HeartbeatPayload"
                  }
                ],
                "x-parser-schema-id": "<anonymous-schema-210>"
              }
            ],
            "additionalItems": false,
            "minItems": 3,
            "x-parser-schema-id": "HeartbeatEvent"
          },
          "examples": [
            {
              "name": "heartbeat",
              "summary": "Illustrative values.",
              "payload": [
                3,
                "sys",
                [
                  {
                    "hb": 1594392320
                  }
                ]
              ]
            }
          ],
          "x-parser-unique-object-id": "heartbeatEvent"
        }
      },
      "x-parser-unique-object-id": "openFinance"
    }
  },
  "operations": {
    "subscribe": {
      "x-method": "subscribe",
      "action": "send",
      "title": "Subscribe to streams",
      "summary": "Subscribe the connection to public or private streams.",
      "description": "`args` = `[scope, streams]`. With scope `private` the streams are `order`, `trade` and `balances`, which start the private events (`on`/`ou`/`oc`/`or`, `tr`, `bu`).",
      "tags": [
        {
          "name": "requests"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.subscribeRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.subscribeReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "subscribe"
    },
    "listOrders": {
      "x-method": "list_orders",
      "action": "send",
      "title": "List orders",
      "summary": "Get the user's orders, optionally filtered by market and state, with pagination.",
      "description": "`args` = `[market, page, limit, state]`; the docs mark every argument optional, meaning its empty value (`\"\"` / `0`) is passed.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.listOrdersRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.listOrdersReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "listOrders"
    },
    "listOrdersByUuids": {
      "x-method": "list_orders_by_uuids",
      "action": "send",
      "title": "List orders by UUIDs",
      "summary": "Get the user's orders with the given UUIDs.",
      "description": "`args` is the (non-empty) list of order UUIDs.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.listOrdersByUuidsRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.listOrdersByUuidsReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "listOrdersByUuids"
    },
    "listOrderTrades": {
      "x-method": "list_order_trades",
      "action": "send",
      "title": "List order trades",
      "summary": "Get the trades of one of the user's orders.",
      "description": "`args` = `[order_uuid]`.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.listOrderTradesRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.listOrderTradesReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "listOrderTrades"
    },
    "createOrder": {
      "x-method": "create_order",
      "action": "send",
      "title": "Create order",
      "summary": "Push a new order to the matching engine.",
      "description": "`args` = `[market, type, side, amount, price, quote_amount?]`. Replies with the new order's UUID if the order was pushed to the engine, with an error reply otherwise.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.createOrderRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.createOrderReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "createOrder"
    },
    "cancelOrder": {
      "x-method": "cancel_order",
      "action": "send",
      "title": "Cancel orders",
      "summary": "Cancel one or more of the user's orders.",
      "description": "`args` is a non-empty list of `[market, uuid]` pairs; the reply result is empty.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.cancelOrderRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.cancelOrderReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "cancelOrder"
    },
    "cancelAll": {
      "x-method": "cancel_all",
      "action": "send",
      "title": "Cancel all orders",
      "summary": "Cancel all of the user's orders.",
      "description": "`args` and the reply result are empty arrays.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.cancelAllRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.cancelAllReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "cancelAll"
    },
    "createBulk": {
      "x-method": "create_bulk",
      "action": "send",
      "title": "Create orders in bulk",
      "summary": "Create several orders at once.",
      "description": "`args` is a non-empty list of `create_order` argument tuples; the result lists, in request order, the new order's UUID or the string `\"error\"`.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.createBulkRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.createBulkReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "createBulk"
    },
    "getDeposits": {
      "x-method": "get_deposits",
      "action": "send",
      "title": "Get deposits",
      "summary": "Get the user's deposit history with pagination.",
      "description": "`args` = `[state, page, limit]`.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.getDepositsRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.getDepositsReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "getDeposits"
    },
    "getWithdraws": {
      "x-method": "get_withdraws",
      "action": "send",
      "title": "Get withdrawals",
      "summary": "Get the user's withdrawal history with pagination.",
      "description": "`args` = `[state, page, limit]`.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.getWithdrawsRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.getWithdrawsReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "getWithdraws"
    },
    "setConfigValue": {
      "x-method": "set_config_value",
      "action": "send",
      "title": "Set config value",
      "summary": "Set one configuration value of a component.",
      "description": "`args` = `[component, key, value, scope]`; the reply result is empty.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.setConfigValueRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.setConfigValueReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "setConfigValue"
    },
    "getConfig": {
      "x-method": "get_config",
      "action": "send",
      "title": "Get config",
      "summary": "Get the whole configuration, secret values masked.",
      "description": "`args` is empty; the result holds one `{component: {scope: {key: value}}}` object.",
      "tags": [
        {
          "name": "requests"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.getConfigRequest"
      ],
      "reply": {
        "channel": "$ref:$.channels.openFinance",
        "messages": [
          "$ref:$.channels.openFinance.messages.getConfigReply",
          "$ref:$.channels.openFinance.messages.errorReply"
        ]
      },
      "x-parser-unique-object-id": "getConfig"
    },
    "receiveOrderCreated": {
      "x-event": "on",
      "x-gateway-event": "order.created",
      "x-stream": "order",
      "action": "receive",
      "title": "Order created event",
      "summary": "Private `on` event after a subscribe to the private `order` stream.",
      "description": "`[4, \"on\", order]` with a 16-slot order row.",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.orderCreatedEvent"
      ],
      "x-parser-unique-object-id": "receiveOrderCreated"
    },
    "receiveOrderUpdated": {
      "x-event": "ou",
      "x-gateway-event": "order.updated",
      "x-stream": "order",
      "action": "receive",
      "title": "Order updated event",
      "summary": "Private `ou` event after a subscribe to the private `order` stream.",
      "description": "`[4, \"ou\", order]` with a 16-slot order row.",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.orderUpdatedEvent"
      ],
      "x-parser-unique-object-id": "receiveOrderUpdated"
    },
    "receiveOrderCancelled": {
      "x-event": "oc",
      "x-gateway-event": "order.cancelled",
      "x-stream": "order",
      "action": "receive",
      "title": "Order cancelled event",
      "summary": "Private `oc` event after a subscribe to the private `order` stream.",
      "description": "`[4, \"oc\", order]` with a 16-slot order row.",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.orderCancelledEvent"
      ],
      "x-parser-unique-object-id": "receiveOrderCancelled"
    },
    "receiveOrderRejected": {
      "x-event": "or",
      "x-gateway-event": "order.rejected",
      "x-stream": "order",
      "action": "receive",
      "title": "Order rejected event",
      "summary": "Private `or` event after a subscribe to the private `order` stream.",
      "description": "`[4, \"or\", order]` with a 17-slot order row (the last slot is the reject reason).",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.orderRejectedEvent"
      ],
      "x-parser-unique-object-id": "receiveOrderRejected"
    },
    "receiveTrade": {
      "x-event": "tr",
      "x-gateway-event": "trade",
      "x-stream": "trade",
      "action": "receive",
      "title": "Private trade event",
      "summary": "Private `tr` event after a subscribe to the private `trade` stream.",
      "description": "`[4, \"tr\", trade]` with a 12-slot trade row.",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.tradeEvent"
      ],
      "x-parser-unique-object-id": "receiveTrade"
    },
    "receiveBalanceUpdate": {
      "x-event": "bu",
      "x-gateway-event": "balance",
      "x-stream": "balances",
      "action": "receive",
      "title": "Balance update event",
      "summary": "Private `bu` event after a subscribe to the private `balances` stream.",
      "description": "`[4, \"bu\", [balance, ...]]` with 3-slot balance rows.",
      "tags": [
        {
          "name": "events"
        },
        {
          "name": "private"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.balanceUpdateEvent"
      ],
      "x-parser-unique-object-id": "receiveBalanceUpdate"
    },
    "receiveHeartbeat": {
      "x-event": "sys",
      "x-gateway-event": "heartbeat",
      "action": "receive",
      "title": "Heartbeat event",
      "summary": "Public `sys` heartbeat, also sent to anonymous connections.",
      "description": "`[3, \"sys\", [{\"hb\": unix_seconds}]]`.",
      "tags": [
        {
          "name": "events"
        }
      ],
      "channel": "$ref:$.channels.openFinance",
      "messages": [
        "$ref:$.channels.openFinance.messages.heartbeatEvent"
      ],
      "x-parser-unique-object-id": "receiveHeartbeat"
    }
  },
  "components": {
    "securitySchemes": {
      "jwt": "$ref:$.servers.production.security[0]"
    },
    "messages": {
      "subscribeRequest": "$ref:$.channels.openFinance.messages.subscribeRequest",
      "subscribeReply": "$ref:$.channels.openFinance.messages.subscribeReply",
      "listOrdersRequest": "$ref:$.channels.openFinance.messages.listOrdersRequest",
      "listOrdersReply": "$ref:$.channels.openFinance.messages.listOrdersReply",
      "listOrdersByUuidsRequest": "$ref:$.channels.openFinance.messages.listOrdersByUuidsRequest",
      "listOrdersByUuidsReply": "$ref:$.channels.openFinance.messages.listOrdersByUuidsReply",
      "listOrderTradesRequest": "$ref:$.channels.openFinance.messages.listOrderTradesRequest",
      "listOrderTradesReply": "$ref:$.channels.openFinance.messages.listOrderTradesReply",
      "createOrderRequest": "$ref:$.channels.openFinance.messages.createOrderRequest",
      "createOrderReply": "$ref:$.channels.openFinance.messages.createOrderReply",
      "cancelOrderRequest": "$ref:$.channels.openFinance.messages.cancelOrderRequest",
      "cancelOrderReply": "$ref:$.channels.openFinance.messages.cancelOrderReply",
      "cancelAllRequest": "$ref:$.channels.openFinance.messages.cancelAllRequest",
      "cancelAllReply": "$ref:$.channels.openFinance.messages.cancelAllReply",
      "createBulkRequest": "$ref:$.channels.openFinance.messages.createBulkRequest",
      "createBulkReply": "$ref:$.channels.openFinance.messages.createBulkReply",
      "getDepositsRequest": "$ref:$.channels.openFinance.messages.getDepositsRequest",
      "getDepositsReply": "$ref:$.channels.openFinance.messages.getDepositsReply",
      "getWithdrawsRequest": "$ref:$.channels.openFinance.messages.getWithdrawsRequest",
      "getWithdrawsReply": "$ref:$.channels.openFinance.messages.getWithdrawsReply",
      "setConfigValueRequest": "$ref:$.channels.openFinance.messages.setConfigValueRequest",
      "setConfigValueReply": "$ref:$.channels.openFinance.messages.setConfigValueReply",
      "getConfigRequest": "$ref:$.channels.openFinance.messages.getConfigRequest",
      "getConfigReply": "$ref:$.channels.openFinance.messages.getConfigReply",
      "errorReply": "$ref:$.channels.openFinance.messages.errorReply",
      "orderCreatedEvent": "$ref:$.channels.openFinance.messages.orderCreatedEvent",
      "orderUpdatedEvent": "$ref:$.channels.openFinance.messages.orderUpdatedEvent",
      "orderCancelledEvent": "$ref:$.channels.openFinance.messages.orderCancelledEvent",
      "orderRejectedEvent": "$ref:$.channels.openFinance.messages.orderRejectedEvent",
      "tradeEvent": "$ref:$.channels.openFinance.messages.tradeEvent",
      "balanceUpdateEvent": "$ref:$.channels.openFinance.messages.balanceUpdateEvent",
      "heartbeatEvent": "$ref:$.channels.openFinance.messages.heartbeatEvent"
    },
    "schemas": {
      "DecimalString": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[6].allOf[0]",
      "DecimalInput": "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0].items[3].allOf[0]",
      "Timestamp": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[12].allOf[0]",
      "Uuid": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[2].allOf[0]",
      "Side": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[3].allOf[0]",
      "OrderStateCode": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[4].allOf[0]",
      "OrderTypeCode": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items.items[5].allOf[0]",
      "CreateOrderType": "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0].items[1].allOf[0]",
      "ListOrdersState": "$ref:$.channels.openFinance.messages.listOrdersRequest.payload.items[3].allOf[0].items[3].allOf[0]",
      "SubscribeScope": "$ref:$.channels.openFinance.messages.subscribeRequest.payload.items[3].allOf[0].items[0].allOf[0]",
      "PrivateStream": "$ref:$.channels.openFinance.messages.subscribeRequest.payload.items[3].allOf[0].items[1].items.anyOf[0]",
      "ConfigScope": "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload.items[3].allOf[0].items[3].allOf[0]",
      "ConfigValue": "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload.items[3].allOf[0].items[2].allOf[0]",
      "OrderRow": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0].items",
      "TradeRow": "$ref:$.channels.openFinance.messages.listOrderTradesReply.payload.items[3].allOf[0].items",
      "TransferRow": "$ref:$.channels.openFinance.messages.getDepositsReply.payload.items[3].allOf[0].items",
      "BalanceRow": "$ref:$.channels.openFinance.messages.balanceUpdateEvent.payload.items[2].allOf[0].items",
      "SubscribeArgs": "$ref:$.channels.openFinance.messages.subscribeRequest.payload.items[3].allOf[0]",
      "ListOrdersArgs": "$ref:$.channels.openFinance.messages.listOrdersRequest.payload.items[3].allOf[0]",
      "ListOrdersByUuidsArgs": "$ref:$.channels.openFinance.messages.listOrdersByUuidsRequest.payload.items[3].allOf[0]",
      "ListOrderTradesArgs": "$ref:$.channels.openFinance.messages.listOrderTradesRequest.payload.items[3].allOf[0]",
      "CreateOrderArgs": "$ref:$.channels.openFinance.messages.createOrderRequest.payload.items[3].allOf[0]",
      "CancelTarget": "$ref:$.channels.openFinance.messages.cancelOrderRequest.payload.items[3].allOf[0].items",
      "CancelOrderArgs": "$ref:$.channels.openFinance.messages.cancelOrderRequest.payload.items[3].allOf[0]",
      "CancelAllArgs": "$ref:$.channels.openFinance.messages.cancelAllRequest.payload.items[3].allOf[0]",
      "CreateBulkArgs": "$ref:$.channels.openFinance.messages.createBulkRequest.payload.items[3].allOf[0]",
      "GetTransfersArgs": "$ref:$.channels.openFinance.messages.getDepositsRequest.payload.items[3].allOf[0]",
      "SetConfigValueArgs": "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload.items[3].allOf[0]",
      "GetConfigArgs": "$ref:$.channels.openFinance.messages.getConfigRequest.payload.items[3].allOf[0]",
      "SubscribeResult": "$ref:$.channels.openFinance.messages.subscribeReply.payload.items[3].allOf[0]",
      "OrderList": "$ref:$.channels.openFinance.messages.listOrdersReply.payload.items[3].allOf[0]",
      "TradeList": "$ref:$.channels.openFinance.messages.listOrderTradesReply.payload.items[3].allOf[0]",
      "TransferList": "$ref:$.channels.openFinance.messages.getDepositsReply.payload.items[3].allOf[0]",
      "BalanceList": "$ref:$.channels.openFinance.messages.balanceUpdateEvent.payload.items[2].allOf[0]",
      "CreateOrderResult": "$ref:$.channels.openFinance.messages.createOrderReply.payload.items[3].allOf[0]",
      "EmptyResult": "$ref:$.channels.openFinance.messages.cancelOrderReply.payload.items[3].allOf[0]",
      "BulkOrderOutcome": "$ref:$.channels.openFinance.messages.createBulkReply.payload.items[3].allOf[0].items",
      "CreateBulkResult": "$ref:$.channels.openFinance.messages.createBulkReply.payload.items[3].allOf[0]",
      "ConfigEntries": "$ref:$.channels.openFinance.messages.getConfigReply.payload.items[3].allOf[0].items[0].allOf[0].additionalProperties.additionalProperties",
      "ConfigComponent": "$ref:$.channels.openFinance.messages.getConfigReply.payload.items[3].allOf[0].items[0].allOf[0].additionalProperties",
      "ConfigSnapshot": "$ref:$.channels.openFinance.messages.getConfigReply.payload.items[3].allOf[0].items[0].allOf[0]",
      "GetConfigResult": "$ref:$.channels.openFinance.messages.getConfigReply.payload.items[3].allOf[0]",
      "ErrorResult": "$ref:$.channels.openFinance.messages.errorReply.payload.items[3].allOf[0]",
      "Heartbeat": "$ref:$.channels.openFinance.messages.heartbeatEvent.payload.items[2].allOf[0].items[0].allOf[0]",
      "HeartbeatPayload": "$ref:$.channels.openFinance.messages.heartbeatEvent.payload.items[2].allOf[0]",
      "SubscribeRequest": "$ref:$.channels.openFinance.messages.subscribeRequest.payload",
      "ListOrdersRequest": "$ref:$.channels.openFinance.messages.listOrdersRequest.payload",
      "ListOrdersByUuidsRequest": "$ref:$.channels.openFinance.messages.listOrdersByUuidsRequest.payload",
      "ListOrderTradesRequest": "$ref:$.channels.openFinance.messages.listOrderTradesRequest.payload",
      "CreateOrderRequest": "$ref:$.channels.openFinance.messages.createOrderRequest.payload",
      "CancelOrderRequest": "$ref:$.channels.openFinance.messages.cancelOrderRequest.payload",
      "CancelAllRequest": "$ref:$.channels.openFinance.messages.cancelAllRequest.payload",
      "CreateBulkRequest": "$ref:$.channels.openFinance.messages.createBulkRequest.payload",
      "GetDepositsRequest": "$ref:$.channels.openFinance.messages.getDepositsRequest.payload",
      "GetWithdrawsRequest": "$ref:$.channels.openFinance.messages.getWithdrawsRequest.payload",
      "SetConfigValueRequest": "$ref:$.channels.openFinance.messages.setConfigValueRequest.payload",
      "GetConfigRequest": "$ref:$.channels.openFinance.messages.getConfigRequest.payload",
      "SubscribeReply": "$ref:$.channels.openFinance.messages.subscribeReply.payload",
      "ListOrdersReply": "$ref:$.channels.openFinance.messages.listOrdersReply.payload",
      "ListOrdersByUuidsReply": "$ref:$.channels.openFinance.messages.listOrdersByUuidsReply.payload",
      "ListOrderTradesReply": "$ref:$.channels.openFinance.messages.listOrderTradesReply.payload",
      "CreateOrderReply": "$ref:$.channels.openFinance.messages.createOrderReply.payload",
      "CancelOrderReply": "$ref:$.channels.openFinance.messages.cancelOrderReply.payload",
      "CancelAllReply": "$ref:$.channels.openFinance.messages.cancelAllReply.payload",
      "CreateBulkReply": "$ref:$.channels.openFinance.messages.createBulkReply.payload",
      "GetDepositsReply": "$ref:$.channels.openFinance.messages.getDepositsReply.payload",
      "GetWithdrawsReply": "$ref:$.channels.openFinance.messages.getWithdrawsReply.payload",
      "SetConfigValueReply": "$ref:$.channels.openFinance.messages.setConfigValueReply.payload",
      "GetConfigReply": "$ref:$.channels.openFinance.messages.getConfigReply.payload",
      "ErrorReply": "$ref:$.channels.openFinance.messages.errorReply.payload",
      "OrderCreatedEvent": "$ref:$.channels.openFinance.messages.orderCreatedEvent.payload",
      "OrderUpdatedEvent": "$ref:$.channels.openFinance.messages.orderUpdatedEvent.payload",
      "OrderCancelledEvent": "$ref:$.channels.openFinance.messages.orderCancelledEvent.payload",
      "OrderRejectedEvent": "$ref:$.channels.openFinance.messages.orderRejectedEvent.payload",
      "TradeEvent": "$ref:$.channels.openFinance.messages.tradeEvent.payload",
      "BalanceUpdateEvent": "$ref:$.channels.openFinance.messages.balanceUpdateEvent.payload",
      "HeartbeatEvent": "$ref:$.channels.openFinance.messages.heartbeatEvent.payload"
    }
  },
  "x-parser-spec-parsed": true,
  "x-parser-api-version": 3,
  "x-parser-spec-stringified": true
};
    const config = {"show":{"sidebar":true},"sidebar":{"showOperations":"byDefault"}};
    const appRoot = document.getElementById('root');
    AsyncApiStandalone.render(
        { schema, config, }, appRoot
    );
  