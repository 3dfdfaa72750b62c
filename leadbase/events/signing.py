"""Close's webhook signature: HMAC-SHA256 over the timestamp then the raw body, keyed by the
hex-decoded `signature_key`, as lowercase hex."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_key() -> str:
    """A fresh signature key: 32 random bytes as 64 hex characters, as Close hands them out."""
    return secrets.token_hex(32)


def signature(key_hex: str, timestamp: str, body: bytes) -> str:
    return hmac.new(bytes.fromhex(key_hex), timestamp.encode() + body, hashlib.sha256).hexdigest()


def headers(key_hex: str, timestamp: str, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "Close Webhooks 2.0",
        "close-sig-timestamp": timestamp,
        "close-sig-hash": signature(key_hex, timestamp, body),
    }
