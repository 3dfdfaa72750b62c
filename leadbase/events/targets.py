"""Where a webhook may be sent: refusing private and loopback targets when a deployment asks.

Allowed by default (a developer's receiver on localhost is the common case). With
`block_private` the host is resolved at delivery time and every address it resolves to must be
public; the request then goes to the address that was checked (the Host header and TLS server
name keep the URL's host), so a DNS answer that changes between the check and the connection
cannot point it elsewhere. Redirects are never followed, so a public target cannot bounce the
request inward.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


class TargetRefused(Exception):
    """The URL may not be delivered to under this deployment's settings."""


@dataclass(frozen=True)
class Target:
    url: str  # what to connect to
    host_header: str | None = None  # set when `url` names the checked address instead of the host
    server_name: str | None = None  # TLS SNI and certificate name for an https address


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str, *, block_private: bool) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused(f"not an http(s) URL: {url}")
    if not block_private:
        return Target(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"cannot resolve {host}: {exc}") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise TargetRefused(f"{host} resolves to no address")
    private = [a for a in addresses if not _public(a)]
    if private:
        raise TargetRefused(
            f"{host} resolves to a private, loopback or reserved address ({', '.join(private)}), "
            "refused by LEADBASE_WEBHOOK_BLOCK_PRIVATE_TARGETS"
        )
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Target(pinned, host_header=host_header, server_name=host if parts.scheme == "https" else None)


def check_url_syntax(url: str) -> str | None:
    """Why a subscription URL cannot be used at all (None when it can)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return "Enter a valid URL: it must start with http:// or https://."
    if not parts.hostname:
        return "Enter a valid URL: it names no host."
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "Enter a valid URL: its port is not a number between 0 and 65535."
    return None
