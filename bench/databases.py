"""The two databases a run measures: a SQLite file, or a PostgreSQL database of our own."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from leadbase.db.engine import DEFAULT_SQLITE_CACHE_MIB, build_engine
from leadbase.db.migrate import upgrade

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class Database:
    """One benchmark database. `kind` is "sqlite" or "postgres"; `name` tells copies apart."""

    kind: str
    url: str

    @property
    def label(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"

    @property
    def path(self) -> Path:
        return Path(make_url(self.url).database or "")

    @property
    def dbname(self) -> str:
        return make_url(self.url).database or ""

    def _admin_dsn(self) -> str:
        return make_url(self.url).set(drivername="postgresql", database="postgres").render_as_string(False)

    def dsn(self) -> str:
        return make_url(self.url).set(drivername="postgresql").render_as_string(False)

    def exists(self) -> bool:
        if self.kind == "sqlite":
            return self.path.exists()
        with psycopg.connect(self._admin_dsn(), autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.dbname,)).fetchone()
        return found is not None

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            return
        with psycopg.connect(self._admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def create(self, *, migrate: bool = True) -> None:
        """A new empty database (dropping any old one), at the current schema when `migrate`."""
        self.drop()
        if self.kind == "postgres":
            with psycopg.connect(self._admin_dsn(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.dbname}"')
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            engine = self.engine(pool_size=1)
            try:
                upgrade(engine)
            finally:
                engine.dispose()

    def engine(self, pool_size: int = 5) -> Engine:
        return build_engine(self.url, pool_size=pool_size)

    def sibling(self, suffix: str) -> Database:
        """Another database of the same kind next to this one (scratch copies)."""
        if self.kind == "sqlite":
            path = self.path.with_name(f"{self.path.stem}-{suffix}{self.path.suffix}")
            return Database("sqlite", f"sqlite:///{path}")
        url = make_url(self.url).set(database=f"{self.dbname}_{suffix}").render_as_string(False)
        return Database("postgres", url)

    def connect(self) -> Any:
        """A plain DB-API connection through the driver leadbase uses (sqlite3 or psycopg 3)."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            # The page cache leadbase's own connections keep (db/engine.py).
            conn.execute(f"PRAGMA cache_size=-{DEFAULT_SQLITE_CACHE_MIB * 1024}")
            return conn
        return psycopg.connect(self.dsn(), autocommit=True)

    @property
    def param(self) -> str:
        return "?" if self.kind == "sqlite" else "%s"

    def sql(self, text: str) -> str:
        """Write hand-written SQL with `?` placeholders; psycopg wants %s."""
        return text if self.kind == "sqlite" else text.replace("%", "%%").replace("?", "%s")

    def server_version(self) -> str | None:
        if self.kind == "sqlite":
            return sqlite3.sqlite_version
        with psycopg.connect(self._admin_dsn(), autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            # The server's memory settings: counts over many rows hit its buffer cache or the
            # operating system's, at several times the cost (bench/RESULTS.md).
            names = ("shared_buffers", "work_mem")
            memory = {name: conn.execute(f"SHOW {name}").fetchone() for name in names}
        if not row:
            return None
        settings = ", ".join(f"{name} {value[0]}" for name, value in memory.items() if value)
        return f"{row[0]} ({settings})"


def for_kind(kind: str, workdir: Path, pg_url: str, name: str) -> Database:
    if kind == "sqlite":
        return Database("sqlite", f"sqlite:///{(workdir / f'{name}.db').resolve()}")
    url = make_url(pg_url).set(database=name).render_as_string(False)
    return Database("postgres", url)
