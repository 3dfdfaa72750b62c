"""Where uploaded bytes live: a directory (the default) or an S3-compatible bucket.

The database holds what was uploaded (file_upload rows); a store holds only bytes under a key
`<organization id>/<token>`. Several servers behind one PostgreSQL need a store they all reach:
a shared bucket, or a directory on shared storage.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Keep `data` under `key`, durably, replacing what was there."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None."""
        ...


class DirectoryStore:
    """One file per key under a root directory, written to a temporary name then renamed."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are made by leadbase from ids and tokens (letters, digits, '-', '_'), never from a
        # client's file name; the check keeps it that way.
        parts = key.split("/")
        if not all(
            p and p not in (".", "..") and p.replace("-", "").replace("_", "").isalnum() for p in parts
        ):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Acknowledged means on disk: write, flush to the device, then rename over the old one.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None


class S3Store:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph...) through boto3.

    Credentials come the way boto3 finds them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
    a profile, an instance role); `endpoint_url` points at a service other than AWS.
    """

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None) -> None:
        try:
            import boto3
        except ModuleNotFoundError as exc:  # an optional dependency
            raise RuntimeError(
                "LEADBASE_FILES_S3_BUCKET is set but boto3 is not installed: pip install 'leadbase[s3]'"
            ) from exc
        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        data: bytes = answer["Body"].read()
        return data
