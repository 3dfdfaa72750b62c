"""Per API key and per organization (3x) request limits, with Close's headers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from leadbase.core.errors import RateLimited

ORGANIZATION_FACTOR = 3


def parse_rate(value: str) -> RateLimitItem | None:
    """`off`, or a rate such as `5/second` or `100/minute` (the `limits` notation)."""
    if value.strip().lower() in ("off", "none", "0", ""):
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise ValueError(
            f"rate limit {value!r} is not 'off' or a rate like '5/second' or '100/minute'"
        ) from exc


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        limit, remaining, reset = str(self.limit), str(self.remaining), str(self.reset)
        return [
            (b"ratelimit", f"limit={limit}, remaining={remaining}, reset={reset}".encode()),
            (b"ratelimit-limit", limit.encode()),
            (b"ratelimit-remaining", remaining.encode()),
            (b"ratelimit-reset", reset.encode()),
            # Deprecated by Close in 2023, still read by the Singer tap.
            (b"x-rate-limit-limit", limit.encode()),
            (b"x-rate-limit-remaining", remaining.encode()),
            (b"x-rate-limit-reset", reset.encode()),
        ]


class RateLimiter:
    def __init__(self, rate: RateLimitItem, redis_url: str | None = None) -> None:
        storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
        self._strategy = FixedWindowRateLimiter(storage)
        self._key_rate = rate
        self._org_rate = type(rate)(rate.amount * ORGANIZATION_FACTOR, rate.multiples, rate.namespace)

    def hit(self, api_key_id: str, organization_id: str) -> Quota:
        """Count one request; the quota closest to running out is the one reported."""
        checks = (("key", self._key_rate, api_key_id), ("org", self._org_rate, organization_id))
        quotas: list[tuple[str, RateLimitItem, Quota]] = []
        for kind, rate, ident in checks:
            allowed = self._strategy.hit(rate, "leadbase", kind, ident)
            stats = self._strategy.get_window_stats(rate, "leadbase", kind, ident)
            reset = max(1, math.ceil(stats.reset_time - time.time()))
            quota = Quota(rate.amount, stats.remaining, reset)
            if not allowed:
                raise RateLimited(rate.amount, reset, rate.get_expiry(), kind)
            quotas.append((kind, rate, quota))
        return min(quotas, key=lambda q: q[2].remaining)[2]
