"""Each vendor mocked in-process from its spec's documented examples: no server, no socket.

    with mock_vendor("kie") as kie:
        Client("kie", api_key="test").generate(VideoRequest(prompt="a corgi"), out="corgi.mp4")
        assert kie.submits == 1

The answers are the examples the vendor's own documentation gives (as our specs record them):
a created task, then the finished (or failed) task with its result link, then the video. It is
a respx router patched into httpx for the `with` block (every httpx client of the process,
so code that builds its own Client is covered); a request it has no route for fails the test.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from types import TracebackType
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import httpx
import respx

from ..sandbox import vendor_error, vendor_spec
from ..vendors import VENDOR_NAMES, load_adapter

Outcome = Literal["completed", "failed"]
MockFault = Literal["rate_limit", "server_error", "drop_before", "drop_after"]
MOCK_FAULTS: tuple[str, ...] = get_args(MockFault)


@dataclass(frozen=True)
class _Api:
    """Where a vendor's calls go, and which documented example answers each."""

    spec: str
    submit: tuple[str, str, str]  # method, path, example name
    status: tuple[str, str]  # method, path (as the spec writes it, {video_id} say)
    finished: dict[str, str]  # outcome -> example name of the status answer
    content: str | None = None  # path of a download endpoint (OpenAI's Videos API)
    credits: tuple[str, str] | None = None


_APIS = {
    "kie": _Api(
        "kie",
        ("POST", "/api/v1/jobs/createTask", "realWithRecordId"),
        ("GET", "/api/v1/jobs/recordInfo"),
        {"completed": "success", "failed": "failed"},
        credits=("/api/v1/chat/credit", "example"),
    ),
    "evolink": _Api(
        "evolink",
        ("POST", "/v1/videos/generations", "created"),
        ("GET", "/v1/tasks/{task_id}"),
        {"completed": "completed", "failed": "failed"},
        credits=("/v1/credits", "example"),
    ),
    "modelverse": _Api(
        "modelverse",
        ("POST", "/v1/tasks/submit", "submitted"),
        ("GET", "/v1/tasks/status"),
        {"completed": "success", "failed": "failure"},
    ),
    "modelverse-openai": _Api(
        "modelverse_openai",
        ("POST", "/v1/videos", "queued"),
        ("GET", "/v1/videos/{video_id}"),
        {"completed": "completed", "failed": "failed"},
        content="/v1/videos/{video_id}/content",
    ),
}


def sample_video() -> bytes:
    """A real, playable MP4 (one second, 64x36, H.264) that every result link of a mock answers."""
    return resources.files(__package__).joinpath("sample.mp4").read_bytes()


def _example(spec: str, method: str, path: str, name: str, status: str = "200") -> Any:
    operation = vendor_spec(spec)["paths"][path][method.lower()]
    media = operation["responses"][status]["content"]["application/json"]
    if "examples" in media:
        return copy.deepcopy(media["examples"][name]["value"])
    return copy.deepcopy(media["example"])  # an operation documenting one answer


def _result_links(body: Any) -> list[str]:
    """The https links of results in a documented status answer (kie keeps them in a JSON
    string, the others in lists)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            if node.startswith("https://") and urlsplit(node).path.endswith(".mp4"):
                found.append(node)
            elif node.startswith("{"):
                with contextlib.suppress(ValueError):  # text that only looks like JSON
                    walk(json.loads(node))

    walk(body)
    return found


class MockVendor:
    """The routes of one vendor, answering from its documented examples. `submits` counts the
    task creations the code under test paid for; `fail_next` scripts an answer for one call;
    `router` is the respx router itself (`mock.router.calls`, extra routes)."""

    def __init__(
        self,
        vendor: str,
        *,
        base_url: str | None = None,
        outcome: Outcome = "completed",
        video: bytes | None = None,
    ) -> None:
        if vendor not in _APIS:
            raise ValueError(
                f"unknown vendor {vendor!r}; mock_vendor knows {', '.join(VENDOR_NAMES)}"
            )
        if outcome not in ("completed", "failed"):
            raise ValueError(f'outcome must be "completed" or "failed"; got {outcome!r}')
        adapter = load_adapter(vendor)
        self.vendor = vendor
        self.base_url = (
            base_url or os.environ.get(adapter.base_url_env) or adapter.default_base_url
        ).rstrip("/")
        self.outcome: Outcome = outcome
        self.video = sample_video() if video is None else video
        self._api = _APIS[vendor]
        self._script: list[tuple[str, str]] = []
        self._calls: Counter[str] = Counter()
        self._submits = 0
        self.router = respx.MockRouter(assert_all_mocked=True, assert_all_called=False)
        self._routes()

    def __repr__(self) -> str:
        return f"MockVendor({self.vendor!r}, base_url={self.base_url!r}, outcome={self.outcome!r})"

    # -- the routes --------------------------------------------------------------------------

    def _routes(self) -> None:
        api, router = self._api, self.router
        method, path, name = api.submit
        created = _example(api.spec, method, path, name)
        finished = _example(api.spec, api.status[0], api.status[1], api.finished[self.outcome])
        self.submit_answer, self.status_answer = created, finished
        router.route(method=method, url=self.base_url + path, name="submit").mock(
            side_effect=self._answer("submit", created)
        )
        status_method, status_path = api.status
        router.route(
            method=status_method,
            url__regex=_pattern(self.base_url + status_path),
            name="status",
        ).mock(side_effect=self._answer("status", finished))
        if api.credits is not None:
            credits_path, credits_name = api.credits
            router.route(method="GET", url=self.base_url + credits_path, name="credits").mock(
                side_effect=self._answer(
                    "credits", _example(api.spec, "GET", credits_path, credits_name)
                )
            )
        if api.content is not None:
            router.route(
                method="GET", url__regex=_pattern(self.base_url + api.content), name="download"
            ).mock(side_effect=self._video)
        for index, link in enumerate(dict.fromkeys(_result_links(finished))):
            router.route(method="GET", url=link, name=f"download-{index}").mock(
                side_effect=self._video
            )

    def _answer(self, endpoint: str, body: Any) -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            return self._reply(
                endpoint, request, lambda: httpx.Response(200, json=copy.deepcopy(body))
            )

        return answer

    def _video(self, request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "video/mp4"}
        return self._reply(
            "download", request, lambda: httpx.Response(200, content=self.video, headers=headers)
        )

    def _reply(
        self, endpoint: str, request: httpx.Request, answer: Callable[[], httpx.Response]
    ) -> httpx.Response:
        """The call counted, then its scripted fault if any, else `answer()`."""
        self._calls[endpoint] += 1
        scripted = self._take(endpoint)
        if scripted == "drop_before":
            raise httpx.ConnectError("mock_vendor: connection dropped before", request=request)
        if scripted in ("rate_limit", "server_error"):
            return self._error(endpoint, scripted)
        if endpoint == "submit":  # answered, or dropped after: either way the vendor acted
            self._submits += 1
        if scripted == "drop_after":
            raise httpx.RemoteProtocolError(
                "mock_vendor: connection dropped after", request=request
            )
        return answer()

    def _error(self, endpoint: str, kind: str) -> httpx.Response:
        status = 429 if kind == "rate_limit" else 500
        if endpoint == "download":  # a file host answers plain text
            return httpx.Response(status, text="error")
        code, body, headers = vendor_error(
            self.vendor, status, f"mock_vendor: {kind}", retry_after=1.0 if status == 429 else None
        )
        return httpx.Response(code, json=body, headers=headers)

    # -- scripting and observing -------------------------------------------------------------

    def fail_next(self, endpoint: str, kind: str, *, times: int = 1) -> None:
        """Answer the next `times` calls to `endpoint` ("submit", "status", "credits",
        "download") with `kind`: "rate_limit" (429 in the vendor's format), "server_error"
        (500), "drop_before" (no connection) or "drop_after" (the call was acted on, its answer
        lost: a submit then counts as paid)."""
        endpoints = ("submit", "status", "credits", "download")
        if endpoint not in endpoints:
            raise ValueError(f"endpoint must be one of {', '.join(endpoints)}; got {endpoint!r}")
        if kind not in MOCK_FAULTS:
            raise ValueError(f"kind must be one of {', '.join(MOCK_FAULTS)}; got {kind!r}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a whole number of calls, at least 1; got {times!r}")
        self._script.extend([(endpoint, kind)] * times)

    def _take(self, endpoint: str) -> str | None:
        for index, (scripted_endpoint, kind) in enumerate(self._script):
            if scripted_endpoint == endpoint:
                del self._script[index]
                return kind
        return None

    def calls(self, endpoint: str) -> int:
        """Requests to `endpoint` ("submit", "status", "credits", "download")."""
        return self._calls[endpoint]

    @property
    def submits(self) -> int:
        """Task creations the vendor acted on (answered, or dropped after acting)."""
        return self._submits

    # -- patching httpx ----------------------------------------------------------------------

    def start(self) -> MockVendor:
        self.router.start()
        return self

    def stop(self) -> None:
        self.router.stop(quiet=True)

    def __enter__(self) -> MockVendor:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def transport(self) -> httpx.MockTransport:
        """A transport to give a client instead of patching httpx: `Client(..., transport=)`."""
        return httpx.MockTransport(self.router.handler)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.router.async_handler)


def _pattern(url: str) -> str:
    escaped = re.sub(r"\\\{\w+\\\}", "[^/?]+", re.escape(url))
    return f"^{escaped}(\\?.*)?$"


def mock_vendor(
    vendor: str,
    *,
    base_url: str | None = None,
    outcome: Outcome = "completed",
    video: bytes | None = None,
) -> MockVendor:
    """`vendor` mocked from its documented examples (see the module): use it in a `with`."""
    return MockVendor(vendor, base_url=base_url, outcome=outcome, video=video)
