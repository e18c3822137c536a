"""Where idempotency records live: SQLite (WAL, one file shared by the processes of one machine) or
Redis (shared by gateway replicas on several machines).

A record is ``(rev, data)``: ``data`` a JSON object owned by :mod:`gateway.idempotency._service`,
``rev`` a revision bumped by every write. All writes are atomic compare-and-set on ``rev``, which is
what makes one key run once across tasks, processes and machines:

=========================== =============================================================
``create(key, data, ttl)``  insert if absent (or expired): ``None``; else the live ``(rev, data)``
``get(key)``                the live ``(rev, data)`` or ``None``
``replace(key, rev, data)`` write if the stored revision is still ``rev``: ``True``; else ``False``
``delete(key, rev)``        delete if the stored revision is still ``rev``
``claim(key, value, ttl)``  set if absent; returns the value held (``value`` when this call won)
``holder(key)``             the value a claim holds, or ``None``
=========================== =============================================================
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson

__all__ = ["RedisStore", "SqliteStore", "Store"]

T = TypeVar("T")
Record = tuple[int, dict[str, Any]]


class Store(Protocol):
    async def create(self, key: str, data: dict[str, Any], ttl: float) -> Record | None: ...
    async def get(self, key: str) -> Record | None: ...
    async def replace(self, key: str, rev: int, data: dict[str, Any], ttl: float) -> bool: ...
    async def delete(self, key: str, rev: int) -> bool: ...
    async def claim(self, key: str, value: str, ttl: float) -> str: ...
    async def holder(self, key: str) -> str | None: ...
    async def aclose(self) -> None: ...


class SqliteStore:
    """One SQLite file in WAL mode (``synchronous=FULL``: a committed record survives a crash).

    Writers take the database lock with ``BEGIN IMMEDIATE``, so check-and-write is atomic across the
    worker processes of one machine; calls run in a worker thread, never on the event loop.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, rev INTEGER NOT NULL, "
                "expires_at REAL NOT NULL, data BLOB NOT NULL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS records_expiry ON records (expires_at)")

    async def _run(self, fn: Callable[[sqlite3.Connection], T], write: bool) -> T:
        def run() -> T:
            with self._lock:
                if not write:
                    return fn(self._db)
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result

        return await asyncio.to_thread(run)

    @staticmethod
    def _live(db: sqlite3.Connection, key: str) -> Record | None:
        row = db.execute(
            "SELECT rev, data FROM records WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return None if row is None else (int(row[0]), orjson.loads(row[1]))

    async def create(self, key: str, data: dict[str, Any], ttl: float) -> Record | None:
        def create(db: sqlite3.Connection) -> Record | None:
            now = time.time()
            db.execute("DELETE FROM records WHERE expires_at <= ?", (now,))
            existing = self._live(db, key)
            if existing is not None:
                return existing
            db.execute(
                "INSERT OR REPLACE INTO records (key, rev, expires_at, data) VALUES (?, 1, ?, ?)",
                (key, now + ttl, orjson.dumps(data)),
            )
            return None

        return await self._run(create, write=True)

    async def get(self, key: str) -> Record | None:
        return await self._run(lambda db: self._live(db, key), write=False)

    async def replace(self, key: str, rev: int, data: dict[str, Any], ttl: float) -> bool:
        def replace(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE records SET rev = rev + 1, expires_at = ?, data = ? WHERE key = ? AND rev = ?",
                (time.time() + ttl, orjson.dumps(data), key, rev),
            )
            return cursor.rowcount == 1

        return await self._run(replace, write=True)

    async def delete(self, key: str, rev: int) -> bool:
        def delete(db: sqlite3.Connection) -> bool:
            return db.execute("DELETE FROM records WHERE key = ? AND rev = ?", (key, rev)).rowcount == 1

        return await self._run(delete, write=True)

    async def claim(self, key: str, value: str, ttl: float) -> str:
        def claim(db: sqlite3.Connection) -> str:
            existing = self._live(db, key)
            if existing is not None:
                return str(existing[1]["value"])
            db.execute(
                "INSERT OR REPLACE INTO records (key, rev, expires_at, data) VALUES (?, 1, ?, ?)",
                (key, time.time() + ttl, orjson.dumps({"value": value})),
            )
            return value

        return await self._run(claim, write=True)

    async def holder(self, key: str) -> str | None:
        found = await self.get(key)
        return None if found is None else str(found[1]["value"])

    async def aclose(self) -> None:
        await asyncio.to_thread(self._db.close)


_CREATE = """
local cur = redis.call('HMGET', KEYS[1], 'rev', 'data')
if cur[1] then return cur end
redis.call('HSET', KEYS[1], 'rev', 1, 'data', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return false
"""
_REPLACE = """
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', tonumber(ARGV[1]) + 1, 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
_DELETE = """
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
"""


class RedisStore:
    """Records as Redis hashes ``{rev, data}`` with a TTL; every check-and-write is one Lua script."""

    PREFIX = "gateway:idempotency:"

    def __init__(self, url: str) -> None:
        import redis.asyncio

        self._redis = redis.asyncio.Redis.from_url(url)
        self._create = self._redis.register_script(_CREATE)
        self._replace = self._redis.register_script(_REPLACE)
        self._delete = self._redis.register_script(_DELETE)

    @staticmethod
    def _ms(ttl: float) -> int:
        return max(1, int(ttl * 1000))

    async def create(self, key: str, data: dict[str, Any], ttl: float) -> Record | None:
        found = await self._create(keys=[self.PREFIX + key], args=[orjson.dumps(data), self._ms(ttl)])
        return None if found is None else (int(found[0]), orjson.loads(found[1]))

    async def get(self, key: str) -> Record | None:
        rev, data = await self._redis.hmget(self.PREFIX + key, ["rev", "data"])
        return None if rev is None or data is None else (int(rev), orjson.loads(data))

    async def replace(self, key: str, rev: int, data: dict[str, Any], ttl: float) -> bool:
        done = await self._replace(keys=[self.PREFIX + key], args=[rev, orjson.dumps(data), self._ms(ttl)])
        return bool(done)

    async def delete(self, key: str, rev: int) -> bool:
        return bool(await self._delete(keys=[self.PREFIX + key], args=[rev]))

    async def claim(self, key: str, value: str, ttl: float) -> str:
        name = self.PREFIX + key
        if await self._redis.set(name, value, nx=True, px=self._ms(ttl)):
            return value
        held = await self._redis.get(name)
        return value if held is None else _text(held)

    async def holder(self, key: str) -> str | None:
        held = await self._redis.get(self.PREFIX + key)
        return None if held is None else _text(held)

    async def aclose(self) -> None:
        await self._redis.aclose()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
