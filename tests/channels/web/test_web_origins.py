"""Who may connect to the widget's socket and frame its page (bot/channels/web/origins.py)."""

from __future__ import annotations

import re

import pytest

from bot.channels.web.assets import page_policy
from bot.channels.web.origins import OriginPolicy, normalize_origin


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("https://Shop.Example/", "https://shop.example"),
        ("https://shop.example:443", "https://shop.example"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_origins_are_normalized_as_browsers_send_them(written: str, normalized: str) -> None:
    assert normalize_origin(written) == normalized


@pytest.mark.parametrize(
    "written", ["shop.example", "https://shop.example/chat", "ftp://shop.example", "null"]
)
def test_an_allowlist_entry_that_is_not_an_origin_is_refused_with_an_example(
    written: str,
) -> None:
    with pytest.raises(ValueError, match=re.escape("https://shop.example")):
        OriginPolicy(allowed=[written])


def test_listed_sites_and_the_server_itself_may_connect_nobody_else() -> None:
    policy = OriginPolicy(allowed=["https://shop.example"])
    own = {"HTTP_HOST": "127.0.0.1:5005"}
    assert policy.allows_environ("https://shop.example", own)
    assert policy.allows_environ("http://127.0.0.1:5005", own)
    assert policy.allows_environ("https://127.0.0.1:5005", own)  # Rasa terminating TLS itself
    assert policy.allows_environ(None, own)  # not a cross-site browser request
    assert not policy.allows_environ("https://evil.example", own)
    assert not policy.allows_environ("http://127.0.0.1:5006", own)
    assert not policy.allows_environ("https://shop.example.evil.example", own)
    assert not policy.allows_environ("null", own)


def test_behind_a_proxy_the_forwarded_host_counts_as_the_server() -> None:
    policy = OriginPolicy(allowed=[])
    environ = {"HTTP_HOST": "rasa:5005", "HTTP_X_FORWARDED_HOST": "bot.example, proxy"}
    assert policy.allows_environ("https://bot.example", environ)
    assert not policy.allows_environ("https://shop.example", environ)
    assert policy.allows_environ("https://bot.example", {"HTTP_HOST": "bot.example:443"})


def test_a_star_allows_any_site() -> None:
    policy = OriginPolicy(allowed=["*"])
    assert policy.any
    assert policy.allows_environ("https://anything.example", {"HTTP_HOST": "x"})
    assert policy.frame_ancestors() == "frame-ancestors *"


def test_the_page_may_be_framed_by_itself_and_the_allowlist_only() -> None:
    policy = OriginPolicy(allowed=["https://shop.example", "http://localhost:8080"])
    assert policy.frame_ancestors() == (
        "frame-ancestors 'self' http://localhost:8080 https://shop.example"
    )
    csp = page_policy(policy, "bot.example")
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert "connect-src 'self' ws://bot.example wss://bot.example;" in csp
    assert csp.endswith("frame-ancestors 'self' http://localhost:8080 https://shop.example")
    # A forged Host header cannot smuggle directives into the policy.
    assert "evil" not in page_policy(policy, "x; script-src evil")
