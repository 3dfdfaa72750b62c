"""The SQLite engine's connections: their page cache and the order the pool hands them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadbase.config import Settings
from leadbase.db.engine import DEFAULT_SQLITE_CACHE_MIB, build_engine


def _cache_kib(url: str, cache_mib: int | None = None) -> int:
    engine = build_engine(url) if cache_mib is None else build_engine(url, sqlite_cache_mib=cache_mib)
    try:
        with engine.connect() as conn:
            size = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    finally:
        engine.dispose()
    # SQLite answers a size given in KiB as that negative number.
    assert size < 0
    return -size


def test_each_sqlite_connection_caches_the_configured_mebibytes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    assert DEFAULT_SQLITE_CACHE_MIB > 2  # more than SQLite's own 2 MiB
    assert _cache_kib(url) == DEFAULT_SQLITE_CACHE_MIB * 1024
    assert _cache_kib(url, 16) == 16 * 1024


def test_the_cache_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADBASE_SQLITE_CACHE_MIB", "64")
    assert Settings().sqlite_cache_mib == 64
    monkeypatch.setenv("LEADBASE_SQLITE_CACHE_MIB", "0")
    with pytest.raises(ValueError, match="sqlite_cache_mib"):
        Settings()


def test_the_pool_hands_out_the_connection_returned_last(tmp_path: Path) -> None:
    # Its page cache is the warm one: a server answering one request at a time reuses it.
    engine = build_engine(f"sqlite:///{tmp_path / 'lifo.db'}")
    try:
        first, second = engine.connect(), engine.connect()
        first_dbapi, second_dbapi = first.connection.driver_connection, second.connection.driver_connection
        assert first_dbapi is not second_dbapi
        first.close()
        second.close()
        with engine.connect() as again:
            assert again.connection.driver_connection is second_dbapi
        second_again = engine.connect()
        first_again = engine.connect()
        assert second_again.connection.driver_connection is second_dbapi
        assert first_again.connection.driver_connection is first_dbapi
        second_again.close()
        first_again.close()
    finally:
        engine.dispose()
