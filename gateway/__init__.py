"""Normalizing HTTP gateway over the Iqfinex REST and Finex websocket upstreams."""
