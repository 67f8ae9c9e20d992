"""Record cassettes by running scenarios through sora_unified against a server.

    python -m contract_tests.support.record --vendor kie --scenario happy-sora-2-pro-text-to-video
    python -m contract_tests.support.record --all                       # every scenario, sandbox/documented
    KIE_API_KEY=... python -m contract_tests.support.record --vendor kie \\
        --base-url https://api.kie.ai                           # every live scenario, for real

`make record VENDOR=kie SCENARIO=name BASE_URL=... [ACCEPT=1]` calls this. The default base URL,
`sandbox`, starts the local emulator with the scenario's faults on a shared fake clock, so
recording takes no real waiting. Against a live vendor the key comes from <VENDOR>_API_KEY and
is redacted (as written, URL-encoded and JSON-escaped), with every token and signature, before
anything is written.

Re-recording never rewrites what a scenario is expected to end with. The new interactions are
saved, but the previous `expect` is kept and every difference (outcome, error class, code,
message, retryability, result count) is reported, and the command fails, until a person
accepts the new outcome with `--accept` (`make record ... ACCEPT=1`) or edits the cassette.
Until then `make test` fails too: the new interactions replay to a different outcome.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from urllib.parse import urlsplit

import httpx
from sora_unified import Client
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing
from sora_unified.vendors import load_adapter

from contract_tests.support.cassettes import Cassette, RecordingTransport, expect_differences
from contract_tests.support.fakes import FakeClock
from contract_tests.support.scenarios import SCENARIOS, Scenario, request_to_dict, run_scenario
from contract_tests.support.specs import spec_path

DOCUMENTED_BASE = {
    "kie": "https://api.kie.ai",
    "evolink": "https://api.evolink.ai",
    "modelverse": "https://api.modelverse.cn",
    "modelverse-openai": "https://api.modelverse.cn",
}
RECORDING_TIMING = Timing(queue_seconds=4, run_seconds=20, not_visible_seconds=2)


def _record(
    scenario: Scenario,
    base_url: str,
    key: str,
    inner: httpx.BaseTransport,
    clock: FakeClock | None,
    source: str,
) -> Cassette:
    key = scenario.api_key or key
    recorder = RecordingTransport(
        inner, base_path=urlsplit(base_url).path.rstrip("/"), secrets=(key,)
    )
    client = Client(
        scenario.vendor,
        api_key=key,
        base_url=base_url,
        transport=recorder,
        clock=clock,
        max_retries=scenario.max_retries,
    )
    expect = run_scenario(
        scenario.action,
        client,
        request=scenario.request,
        raw=scenario.raw,
        task=scenario.task,
        extra=scenario.extra,
    )
    return Cassette(
        vendor=scenario.vendor,
        scenario=scenario.name,
        description=scenario.description,
        source=source,
        action=scenario.action,
        request=request_to_dict(scenario.request) if scenario.request is not None else None,
        raw=scenario.raw,
        extra=scenario.extra,
        task=scenario.task,
        client={"max_retries": scenario.max_retries},
        expect=expect,
        interactions=recorder.interactions,
    )


def record(scenario: Scenario, base_url: str = "sandbox") -> Cassette:
    today = datetime.date.today().isoformat()
    if scenario.source == "documented":
        assert scenario.responder is not None
        return _record(
            scenario,
            DOCUMENTED_BASE[scenario.vendor],
            "sk-documented",
            httpx.MockTransport(scenario.responder),
            FakeClock(),
            f"documented: the {scenario.vendor} error bodies in specs/{spec_path(scenario.vendor).name} (from the vendor's pages)",
        )
    if base_url == "sandbox":
        clock = FakeClock()
        # unknown_fields="reject": what we record must be what the spec allows, not more.
        config = SandboxConfig(
            timing=RECORDING_TIMING, faults=scenario.faults, unknown_fields="reject"
        )
        with Sandbox(config, clock=clock) as sandbox:
            return _record(
                scenario,
                sandbox.base_url(scenario.vendor),
                SANDBOX_KEY,
                httpx.HTTPTransport(),
                clock,
                f"recorded {today} against the sora-unified sandbox",
            )
    # The adapter names its variable: modelverse-openai shares MODELVERSE_API_KEY.
    key_variable = load_adapter(scenario.vendor).api_key_env
    key = os.environ.get(key_variable)
    if not key:
        raise SystemExit(f"recording against {base_url} needs {key_variable}")
    return _record(
        scenario, base_url, key, httpx.HTTPTransport(), None, f"recorded {today} against {base_url}"
    )


def save(fresh: Cassette, *, accept: bool) -> list[str]:
    """Write a fresh recording. Without `accept`, an existing cassette keeps its `expect`
    and the differences from the fresh outcome are returned (drift to review)."""
    drift: list[str] = []
    if fresh.path.exists() and not accept:
        previous = Cassette.load(fresh.path)
        drift = expect_differences(previous.expect, fresh.expect)
        fresh.expect = previous.expect
    fresh.save()
    return drift


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", choices=sorted({v for v, _ in SCENARIOS}))
    parser.add_argument("--scenario", help="scenario name (see --list)")
    parser.add_argument(
        "--base-url", default="sandbox", help="'sandbox' (default) or a vendor base URL"
    )
    parser.add_argument(
        "--all", action="store_true", help="record every scenario (sandbox and documented)"
    )
    parser.add_argument("--list", action="store_true")
    parser.add_argument(
        "--accept",
        action="store_true",
        help="accept changed outcomes: write the fresh `expect` (after reviewing the report)",
    )
    args = parser.parse_args(argv)
    if args.list:
        for vendor, name in sorted(SCENARIOS):
            print(f"{vendor} {name}")
        return 0
    if args.all:
        chosen = list(SCENARIOS.values())
    elif args.vendor and args.scenario:
        if (args.vendor, args.scenario) not in SCENARIOS:
            parser.error(f"no scenario {args.vendor}/{args.scenario}; see --list")
        chosen = [SCENARIOS[(args.vendor, args.scenario)]]
    elif args.vendor and args.base_url != "sandbox":
        chosen = [s for s in SCENARIOS.values() if s.vendor == args.vendor and s.live]
    else:
        parser.error("give --vendor and --scenario, --vendor with a live --base-url, or --all")
    drifted = 0
    for scenario in chosen:
        fresh = record(scenario, args.base_url)
        drift = save(fresh, accept=args.accept)
        print(f"wrote {fresh.path}", file=sys.stderr)
        if drift:
            drifted += 1
            print(f"DRIFT {scenario.vendor}/{scenario.name}:", file=sys.stderr)
            for line in drift:
                print(f"  {line}", file=sys.stderr)
    if drifted:
        print(
            f"{drifted} scenario(s) now end differently; the recorded `expect` was kept."
            " Review the report and `git diff contract_tests/cassettes`, then re-run with"
            " --accept (make record ... ACCEPT=1) to accept the new outcomes.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
