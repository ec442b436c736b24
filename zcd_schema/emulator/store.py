"""The emulator's state in SQLite: object types, relationship types and object records.

One connection guarded by a lock serves every thread of the emulator; each request runs in one
``BEGIN IMMEDIATE`` transaction, so concurrent requests (and other processes sharing the file)
see each other's writes whole or not at all. ``seq`` keeps creation order and is the cursor of
keyset pagination.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_TABLES = """
CREATE TABLE IF NOT EXISTS object_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    schema TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS relationship_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    external_id TEXT,
    attributes TEXT NOT NULL,
    type_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_type ON records (type, seq);
CREATE TABLE IF NOT EXISTS co_objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS co_fields (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (object, key)
);
CREATE TABLE IF NOT EXISTS co_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS co_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

TABLES = ("object_types", "relationship_types", "records")


def now() -> str:
    """Zendesk's timestamp shape: ISO-8601 in UTC with milliseconds, e.g.
    2020-04-24T23:47:19.000Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Store:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.executescript(_TABLES)  # idempotent DDL; executescript manages its own commit

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- reads (call inside a transaction) ----------------------------------------------------

    def page(
        self,
        table: str,
        per_page: int,
        cursor: tuple[str, int] | None,
        where: str = "",
        args: tuple[Any, ...] = (),
        descending: bool = False,
    ) -> tuple[list[sqlite3.Row], bool, bool]:
        """One page of ``table`` in ``seq`` order: its rows, whether rows follow, whether rows
        precede.

        ``cursor`` is ``("after", seq)`` or ``("before", seq)`` in the listing's own order.
        """
        assert table in TABLES
        toward_end, toward_start = ("<", ">") if descending else (">", "<")
        base = [where] if where else []
        backwards = cursor is not None and cursor[0] == "before"
        cond = base + ([f"seq {toward_start if backwards else toward_end} ?"] if cursor else [])
        order = "DESC" if descending != backwards else "ASC"
        query_args = (*args, cursor[1]) if cursor else args
        rows = self._db.execute(
            f"SELECT * FROM {table} {_where(cond)} ORDER BY seq {order} LIMIT ?",
            (*query_args, per_page),
        ).fetchall()
        if backwards:
            rows.reverse()
        if not rows:
            return rows, False, False
        has_next = self._exists(table, [*base, f"seq {toward_end} ?"], (*args, rows[-1]["seq"]))
        has_prev = self._exists(table, [*base, f"seq {toward_start} ?"], (*args, rows[0]["seq"]))
        return rows, has_next, has_prev

    def _exists(self, table: str, cond: list[str], args: tuple[Any, ...]) -> bool:
        return (
            self._db.execute(f"SELECT 1 FROM {table} {_where(cond)} LIMIT 1", args).fetchone()
            is not None
        )

    def count(self, table: str, where: str = "", args: tuple[Any, ...] = ()) -> int:
        assert table in TABLES
        clause = f"WHERE {where}" if where else ""
        return int(self._db.execute(f"SELECT COUNT(*) FROM {table} {clause}", args).fetchone()[0])

    def get(self, table: str, column: str, value: Any) -> sqlite3.Row | None:
        assert table in TABLES and column in ("key", "id")
        row: sqlite3.Row | None = self._db.execute(
            f"SELECT * FROM {table} WHERE {column} = ?", (value,)
        ).fetchone()
        return row

    def relationship_types_using(self, object_type: str) -> list[str]:
        rows = self._db.execute(
            "SELECT key, source, target FROM relationship_types ORDER BY seq"
        ).fetchall()
        return [r["key"] for r in rows if object_type in (r["source"], *_targets(r["target"]))]

    def rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Any query of the emulator's own (call inside a transaction)."""
        return self._db.execute(sql, args).fetchall()

    def run(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """Any statement of the emulator's own; the rows it changed (call inside a transaction)."""
        cursor = self._db.execute(sql, args)
        if sql.lstrip().upper().startswith("INSERT"):
            return int(cursor.lastrowid or 0)
        return cursor.rowcount

    def next_number(self, name: str) -> int:
        """1, 2, 3... per ``name`` (ids the emulator hands out)."""
        self._db.execute(
            "INSERT INTO co_counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )
        value = self._db.execute("SELECT value FROM co_counters WHERE name = ?", (name,)).fetchone()
        return int(value[0])

    # -- writes (call inside a transaction) ---------------------------------------------------

    def insert(self, table: str, values: dict[str, Any]) -> sqlite3.Row:
        assert table in TABLES
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))
        column = "id" if table == "records" else "key"
        row = self.get(table, column, values[column])
        assert row is not None
        return row

    def update(self, table: str, key: str, values: dict[str, Any]) -> sqlite3.Row:
        assert table in TABLES
        sets = ", ".join(f"{name} = ?" for name in values)
        self._db.execute(f"UPDATE {table} SET {sets} WHERE key = ?", (*values.values(), key))
        row = self.get(table, "key", key)
        assert row is not None
        return row

    def delete(self, table: str, column: str, value: Any) -> bool:
        assert table in TABLES and column in ("key", "id")
        return self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (value,)).rowcount > 0


def _where(cond: list[str]) -> str:
    return f"WHERE {' AND '.join(cond)}" if cond else ""


def _targets(stored: str) -> list[str]:
    value = json.loads(stored)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [value]
