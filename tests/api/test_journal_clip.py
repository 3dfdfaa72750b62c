"""What the request journal keeps of a body: its first BODY_LIMIT characters, decoded from the head."""

from __future__ import annotations

import pytest

from leadbase.api.journal import BODY_LIMIT, clip


def _whole_decode_then_cut(body: bytes) -> str | None:
    # The journal's meaning, spelled out the slow way: the whole body decoded, then cut.
    if not body:
        return None
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "...(truncated)"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"name": "Acme"}',
        b"x" * BODY_LIMIT,
        b"x" * (BODY_LIMIT + 1),
        b"x" * 600_000,
        "é".encode() * (BODY_LIMIT // 2),
        "é".encode() * (BODY_LIMIT + 1),
        "😀".encode() * BODY_LIMIT,
        "😀".encode() * (BODY_LIMIT + 1),
        "😀".encode() * 3 * BODY_LIMIT,
        b"x" + "😀".encode() * (BODY_LIMIT + 7),
        b"\xff\xfe" * 30_000,
        b"ok" * 20_001 + b"\xe2\x82",
    ],
    ids=lambda body: f"{len(body)}-bytes",
)
def test_a_body_is_kept_as_if_decoded_whole_and_cut(body: bytes) -> None:
    assert clip(body) == _whole_decode_then_cut(body)
