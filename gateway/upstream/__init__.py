"""Upstream transports: one module per upstream (``finex`` is the Finex websocket client)."""
