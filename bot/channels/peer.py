"""Who is on the other end of a request: the customer's address, behind our balancer too.

Behind ``make cluster``'s HAProxy every request comes from 127.0.0.1; the balancer adds
the customer's address as the last ``X-Forwarded-For`` hop. Only a loopback peer (our
own balancer) is believed: anything else could write that header itself.
"""

from __future__ import annotations

import ipaddress


def client_address(peer: str, forwarded_for: str = "") -> str:
    """The address to count a client by: the last forwarded hop when a local proxy sent it."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if hops and is_loopback(peer):
        return hops[-1]
    return peer


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
