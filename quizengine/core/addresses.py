"""Addresses phones are handed (the projector's QR code, printed join links): whether one can reach them."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback_url(url: str) -> bool:
    """Whether `url` points at the machine that opens it (127.0.0.1, ::1, localhost): no phone reaches it.

    0.0.0.0 counts too: it is a listening address, not one to open.
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def public_base(url: str) -> str:
    """A QUIZ_PUBLIC_URL as it is used: http(s)://host[:port][/prefix] without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"QUIZ_PUBLIC_URL must be an http:// or https:// address like http://192.168.1.20:5000, got {url!r}"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
