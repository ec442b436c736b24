"""Which base URLs may carry credentials: https anywhere, http only to a loopback address."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be used as an account's base URL, or None when it may."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return f"{url!r} is not an http(s) URL with a host"
    if parts.path.strip("/") or parts.query or parts.fragment:
        base = f"{parts.scheme}://{parts.netloc}"
        return (
            f"{url!r} is not a base URL: every request path is added to it, so it must stop at the "
            f"host (use {base!r})"
        )
    if parts.username or parts.password:
        return "credentials must not be written into the URL; set them in the environment"
    if parts.scheme == "http" and not is_loopback_host(host):
        return (
            f"{url!r} would send credentials in clear text; "
            "use https (http is allowed only to a loopback address)"
        )
    return None
