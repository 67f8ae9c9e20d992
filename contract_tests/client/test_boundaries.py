"""Every rate, limit and host check at its edges: a limiter window at, just below and just
above its length, per key and per kind of call; host checks against look-alike names and every
literal spelling of an address; the key's origin check on every part of an origin; header
names in any case.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from sora_unified import Client, ConfigurationError, RateLimit
from sora_unified._api_errors import request_id, retry_after
from sora_unified._limits import RateLimiter, check_max_concurrency, shared_limiter
from sora_unified._urls import is_loopback_host, is_public_host, split_http_url
from sora_unified.cli._serve import LOOPBACK

from contract_tests.support.fakes import KEY, MP4

# -- the limiter's window ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "wait"),
    [(9.999, 0.001), (10.0, 0.0), (10.001, 0.0), (0.0, 10.0), (5.0, 5.0)],
)
def test_a_full_window_opens_exactly_its_length_after_its_first_start(
    at: float, wait: float
) -> None:
    limiter = RateLimiter({"submit": RateLimit(3, 10.0)})
    assert [limiter.reserve("submit", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve("submit", at) == pytest.approx(wait, abs=1e-9)


def test_the_window_slides_start_by_start_not_in_fixed_blocks() -> None:
    limiter = RateLimiter({"status": RateLimit(2, 1.0)})
    assert limiter.reserve("status", 0.0) == 0.0
    assert limiter.reserve("status", 0.5) == 0.0
    assert limiter.reserve("status", 0.6) == pytest.approx(0.4)  # books 1.0
    assert limiter.reserve("status", 0.6) == pytest.approx(0.9)  # books 1.5 (0.5 + 1.0)
    assert limiter.reserve("status", 2.6) == 0.0  # both windows long gone


def test_one_fewer_than_the_limit_never_waits_and_one_more_always_does() -> None:
    for requests in (1, 2, 20):
        limiter = RateLimiter({"submit": RateLimit(requests, 10.0)})
        waits = [limiter.reserve("submit", 0.0) for _ in range(requests + 1)]
        assert waits[:requests] == [0.0] * requests
        assert waits[requests] == 10.0


def test_each_kind_of_call_has_its_own_window_and_unlisted_kinds_none() -> None:
    limiter = RateLimiter({"submit": RateLimit(1, 10.0), "status": RateLimit(1, 1.0)})
    assert limiter.reserve("submit", 0.0) == 0.0
    assert limiter.reserve("status", 0.0) == 0.0  # a submit does not use up a status read
    assert limiter.reserve("status", 0.0) == 1.0
    assert limiter.reserve("submit", 0.0) == 10.0
    assert all(limiter.reserve("download", 0.0) == 0.0 for _ in range(50))


def test_the_shared_window_is_per_vendor_host_key_and_limits() -> None:
    limits = {"submit": RateLimit(20, 10.0)}
    one = shared_limiter("kie", "https://api.kie.ai", "sk-boundary-1", limits)
    assert shared_limiter("kie", "https://api.kie.ai", "sk-boundary-1", dict(limits)) is one
    assert shared_limiter("kie", "https://api.kie.ai", "sk-boundary-2", limits) is not one
    assert shared_limiter("kie", "https://other.kie.example", "sk-boundary-1", limits) is not one
    assert shared_limiter("evolink", "https://api.kie.ai", "sk-boundary-1", limits) is not one
    other_limits = {"submit": RateLimit(19, 10.0)}
    assert shared_limiter("kie", "https://api.kie.ai", "sk-boundary-1", other_limits) is not one


def test_two_clients_of_one_key_wait_for_each_other() -> None:
    """The shared window is used, not only shared: the second client's start waits for the
    first client's (real clocks; nothing is sent, the reservation is read directly)."""
    first = Client("kie", api_key="sk-boundary-shared", rate_limits={"submit": RateLimit(1, 60.0)})
    second = Client("kie", api_key="sk-boundary-shared", rate_limits={"submit": RateLimit(1, 60.0)})
    now = first._clock.monotonic()  # type: ignore[attr-defined]
    assert first._limiter.reserve("submit", now) == 0.0  # type: ignore[attr-defined]
    assert second._limiter.reserve("submit", now) == pytest.approx(60.0)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("requests", "seconds", "ok"),
    [
        (1, 1e-9, True),
        (1, 0.0, False),
        (1, -1.0, False),
        (0, 1.0, False),
        (True, 1.0, False),
        (1.5, 1.0, False),
        (1, float("nan"), False),
        (1, float("inf"), True),
    ],
)
def test_rate_limit_values_at_their_edges(requests: Any, seconds: Any, ok: bool) -> None:
    if ok:
        assert RateLimit(requests, seconds).requests == requests
    else:
        with pytest.raises(ConfigurationError, match="RateLimit"):
            RateLimit(requests, seconds)


@pytest.mark.parametrize(("value", "ok"), [(1, True), (0, False), (-1, False), (True, False)])
def test_max_concurrency_at_its_edge(value: Any, ok: bool) -> None:
    if ok:
        assert check_max_concurrency(value) == value
    else:
        with pytest.raises(ConfigurationError, match="max_concurrency"):
            check_max_concurrency(value)


# -- host checks ---------------------------------------------------------------------------------

LOOPBACK_SPELLINGS = [
    "localhost",
    "LOCALHOST",
    "localhost.",
    "a.localhost",
    "localhost.localdomain",
    "127.0.0.1",
    "127.255.255.254",
    "2130706433",
    "0x7f000001",
    "0x7F.1",
    "0177.0.0.1",
    "127.1",
    "127.0.1",
    "[::1]",
    "::1",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]
PRIVATE_SPELLINGS = [
    "10.0.0.1",
    "012.0.0.1",  # octal 10.0.0.1
    "167772161",  # decimal 10.0.0.1
    "0xa000001",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "0",
    "[::]",
    "[fc00::1]",
    "[fe80::1]",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
]
LOOK_ALIKE_PUBLIC_NAMES = [
    "localhost.evil.example",
    "evil-localhost",
    "mylocalhost",
    "localhostx",
    "127.0.0.1.nip.io",
    "10.0.0.1.example.com",
    "0x7f000001.example",
    "xn--localhost",
]
PUBLIC_ADDRESSES = [
    "[::ffff:8.8.8.8]",  # an IPv4-mapped address is the IPv4 address it maps
    "8.8.8.8",
    "134744072",
    "0x8080808",
    "172.32.0.1",
    "172.15.255.255",
    "[2001:4860::8888]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_this_machine_is_loopback_and_not_public(host: str) -> None:
    assert is_loopback_host(host)
    assert not is_public_host(host)


@pytest.mark.parametrize("host", PRIVATE_SPELLINGS)
def test_every_spelling_of_a_private_address_is_not_public(host: str) -> None:
    assert not is_public_host(host)
    assert not is_loopback_host(host) or host in ("0", "0.0.0.0")


@pytest.mark.parametrize("host", LOOK_ALIKE_PUBLIC_NAMES)
def test_a_name_that_only_looks_local_is_a_public_name(host: str) -> None:
    assert is_public_host(host)
    assert not is_loopback_host(host)


@pytest.mark.parametrize("host", PUBLIC_ADDRESSES)
def test_public_addresses_in_any_spelling_are_public(host: str) -> None:
    assert is_public_host(host)
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x", True),
        ("https://a.example:1/x", True),
        ("https://a.example:65535/x", True),
        ("https://a.example:0/x", False),
        ("https://a.example:65536/x", False),
        ("ftp://a.example/x", False),
        ("https:///x", False),
        ("https://a.example/x y", False),
        ("//a.example/x", False),
    ],
)
def test_url_shapes_at_their_edges(url: str, ok: bool) -> None:
    assert (split_http_url(url) is not None) is ok


def test_the_served_loopback_names_are_exactly_this_machine() -> None:
    assert all(is_loopback_host(host) for host in LOOPBACK)
    assert "0.0.0.0" not in LOOPBACK and "" not in LOOPBACK


# -- the key goes to the API's own origin only ---------------------------------------------------

API = "https://api.modelverse.cn"


@pytest.mark.parametrize(
    ("url", "keyed"),
    [
        (f"{API}/v1/videos/v1/content", True),
        ("https://API.MODELVERSE.CN/v1/videos/v1/content", True),
        ("https://api.modelverse.cn:443/v1/videos/v1/content", True),
        ("http://api.modelverse.cn/v1/videos/v1/content", False),  # another scheme
        ("https://api.modelverse.cn:8443/v1/videos/v1/content", False),  # another port
        ("https://api.modelverse.cn.evil.example/v1/content", False),  # a longer name
        ("https://evil-api.modelverse.cn/v1/content", False),
        ("https://modelverse.cn/v1/content", False),  # the parent domain
        ("https://api.modelverse.cn@evil.example/v1/content", False),  # userinfo trick
        ("https://files.modelverse.cn/v1/content", False),
    ],
)
def test_the_key_goes_to_the_apis_own_origin_only(url: str, keyed: bool) -> None:
    from sora_unified._download import is_keyed
    from sora_unified.vendors import load_adapter

    client = Client("modelverse-openai", api_key=KEY, base_url=API)
    assert is_keyed(load_adapter("modelverse-openai"), url, client.base_url) is keyed


def test_a_download_from_another_port_of_the_api_host_carries_no_key(tmp_path: Any) -> None:
    seen: list[httpx.Request] = []
    mp4 = MP4

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/content"):
            return httpx.Response(200, content=mp4, headers={"content-type": "video/mp4"})
        body = {
            "id": "video_1",
            "object": "video",
            "status": "completed",
            "model": "sora-2",
            "progress": 100,
            "created_at": 1,
            "seconds": "4",
            "size": "720x1280",
        }
        return httpx.Response(200, json=body)

    client = Client(
        "modelverse-openai", api_key=KEY, base_url=API, transport=httpx.MockTransport(answer)
    )
    video = client.retrieve("modelverse-openai:video_1")
    elsewhere = replace(
        video, video_urls=("https://api.modelverse.cn:8443/v1/videos/video_1/content",)
    )
    client.download(elsewhere, tmp_path / "v.mp4")
    downloads = [r for r in seen if r.url.path.endswith("/content")]
    assert downloads and all("authorization" not in r.headers for r in downloads)


# -- header names in any case --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Retry-After", "retry-after", "RETRY-AFTER", "rEtRy-AfTeR"])
def test_retry_after_is_read_in_any_case(name: str) -> None:
    assert retry_after(httpx.Headers({name: "7"})) == 7.0


@pytest.mark.parametrize("name", ["X-Request-Id", "x-request-id", "X-REQUEST-ID"])
def test_request_ids_are_read_in_any_case(name: str) -> None:
    assert request_id(httpx.Headers({name: "req-1"})) == "req-1"
