"""The two stores: a directory, and an S3-compatible bucket (moto's S3, through boto3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from leadbase.resources.files.storage import DirectoryStore, FileStore, S3Store


@pytest.fixture
def s3_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Store]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="leadbase-files")
        yield S3Store("leadbase-files", region="us-east-1")


def check_round_trip(store: FileStore) -> None:
    assert store.get("orga_1/tok-en_1") is None
    store.put("orga_1/tok-en_1", b"first", "text/plain")
    assert store.get("orga_1/tok-en_1") == b"first"
    store.put("orga_1/tok-en_1", b"second", "text/plain")
    assert store.get("orga_1/tok-en_1") == b"second"
    assert store.get("orga_2/tok-en_1") is None


def test_directory_store(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "files")
    check_round_trip(store)
    assert (tmp_path / "files" / "orga_1" / "tok-en_1").read_bytes() == b"second"
    # No temporary file is left behind by a completed write.
    assert [p.name for p in (tmp_path / "files" / "orga_1").iterdir()] == ["tok-en_1"]


@pytest.mark.parametrize("key", ["../escape", "orga_1/../../x", "orga_1/", "/abs", "a/b c"])
def test_directory_store_refuses_keys_it_did_not_make(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        DirectoryStore(tmp_path).put(key, b"x", "text/plain")


def test_s3_store(s3_store: S3Store) -> None:
    check_round_trip(s3_store)
    stored = boto3.client("s3", region_name="us-east-1").get_object(
        Bucket="leadbase-files", Key="orga_1/tok-en_1"
    )
    assert stored["ContentType"] == "text/plain"
