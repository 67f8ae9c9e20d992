"""The plugin as pytest loads it: registered by the entry point, one sandbox per session,
a clean one per test, the marker's rules, and nothing heavy imported until it is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

# pytester puts sys.modules back after each in-process run: a module an inner run imports for
# the first time would be dropped, and imported again later in this process as a second copy
# (its classes unequal to the first's: the sandbox then answers 500). Imported here first, the
# kit's whole stack is kept.
import sora_unified.gateway
import sora_unified.sandbox._app
import sora_unified.testing._gateway
import sora_unified.testing._mock
import sora_unified.testing._sandbox  # noqa: F401
from sora_unified import AsyncClient, Client  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_entry_point_registers_the_plugin(request):
    assert request.config.pluginmanager.has_plugin("sora_unified")


def test_every_test_starts_clean_on_one_session_sandbox(pytester):
    pytester.makepyfile(
        """
        from sora_unified import VideoRequest

        URLS = set()

        def test_one(sora_client, sora_sandbox):
            URLS.add(sora_sandbox.url)
            sora_client.submit(VideoRequest(prompt="a corgi"))
            sora_sandbox.fail_next("submit", "rate_limit")   # left behind on purpose
            sora_sandbox.advance(3600)
            assert sora_sandbox.submits() == 1

        def test_two(sora_client, sora_sandbox):
            URLS.add(sora_sandbox.url)
            assert sora_sandbox.submits() == 0 and sora_sandbox.requests("kie") == 0
            assert sora_sandbox.sandbox.scripted_faults() == ()
            sora_client.submit(VideoRequest(prompt="a corgi"))   # not rate limited
            assert len(URLS) == 1
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_marker_takes_settings_and_the_nearest_wins(pytester):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.sora_sandbox(credits=5, charge_factor=2.0)

        @pytest.mark.sora_sandbox(credits=7)
        def test_nearest(sora_sandbox):
            assert sora_sandbox.config.credits == 7
            assert sora_sandbox.config.charge_factor == 2.0

        def test_module(sora_sandbox):
            assert sora_sandbox.config.credits == 5

        @pytest.mark.sora_sandbox(7)
        def test_positional(sora_sandbox):
            pass

        @pytest.mark.sora_sandbox(credit=7)
        def test_misspelt(sora_sandbox):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*sora_sandbox takes keyword settings only (timing=..., credits=...); got (7,)*",
            "*unknown sandbox setting(s) credit; the settings are the fields of SandboxConfig*",
        ]
    )


def test_an_async_client_left_open_in_a_closed_loop_is_named(pytester):
    pytester.makepyfile(
        """
        import asyncio
        from sora_unified import VideoRequest

        def test_left_open(sora_async_client):
            asyncio.run(sora_async_client.submit(VideoRequest(prompt="a corgi")))
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*close the client in that loop (`async with sora_async_client:`)*"]
    )


@pytest.mark.subprocess
def test_loading_the_plugin_imports_no_server():
    code = (
        "import sys, sora_unified.testing.plugin\n"
        "heavy = [m for m in ('sora_unified.sandbox', 'starlette', 'uvicorn', 'respx',"
        " 'sora_unified.gateway', 'asyncio') if m in sys.modules]\n"
        "print(heavy)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"
