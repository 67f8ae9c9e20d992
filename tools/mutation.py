"""Mutation testing: how much of a realistic mistake does the suite catch, package by package?

    python tools/mutation.py                  # every code and spec mutation; rates per package
    python tools/mutation.py --package batch  # one package (repeatable)
    python tools/mutation.py --list           # the catalogue, without running it

`make mutation` runs this (not part of `make test`: a full run takes most of an hour).

The catalogue (tools/mutation/code_mutations.toml and spec_mutations.toml) holds realistic,
well-formed mistakes in every package: `batch/`, `gateway/`, `cli/`, the sandbox, the
callbacks, the adapters, `_limits.py`, `_images.py`, `_redact.py`, `_retry.py`, the client, and
every spec (enums narrowed, required fields dropped, lengths and response codes changed). Each
mutation is applied alone to a scratch copy of the project (`.mutation/`; the checkout is never
touched; a spec mutation regenerates its client first, so `make check-generated` would pass).
The tests that guard the mutated module run first (`tests` in the entry, else the package's
defaults below); only a mutation they all pass is run against the whole suite. A mutation that
survives both is a gap, unless tools/mutation/equivalent.toml gives the reason it cannot change
behaviour (such a mutation runs its guards only); the report lists both. The exit status is 1
when a package is under 90 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tools" / "mutation"
SCRATCH = Path(os.environ.get("SORA_UNIFIED_MUTATION_DIR") or ROOT / ".mutation")  # scratch copies
COPIED = ("contract_tests", "specs", "generated", "tools", "wrappers", "bench", ".ci")
# Files the suite reads (the README's promises and scripts, the Makefile's targets).
COPIED_FILES = ("pyproject.toml", "README.md", "Makefile", "requirements-dev.txt", "LICENSE")
TARGET_RATE = 90.0
# The regeneration gate reruns the generator for minutes and covers no mutated code; the
# benchmark's smoke run covers none either.
WHOLE_SUITE_IGNORES = (
    "--ignore=contract_tests/specs/test_regeneration_gate.py",
    "--ignore=contract_tests/codebase/test_bench_smoke.py",
)
PYTEST = [
    sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly",
    # It checks the catalogue against the checkout; in a mutated copy one `old` is gone.
    "--deselect=contract_tests/specs/test_spec_lint.py::test_every_mutation_still_applies",
]  # fmt: skip
# A mutant whose tests run past this is a hang the suite caught (as mutmut counts a timeout).
TARGETED_SECONDS = 900
SUITE_SECONDS = 2400
# The tests that guard each package, run first for its mutations (an entry may name others).
PACKAGE_TESTS: dict[str, tuple[str, ...]] = {
    "vendors": (
        "contract_tests/specs/test_spec_examples_parse.py",
        "contract_tests/specs/test_tolerance.py",
        "contract_tests/client/test_client_errors.py",
        "contract_tests/properties/test_properties_requests.py",
        "contract_tests/specs/test_cassettes.py",
        "contract_tests/client/test_money.py",
        "contract_tests/vendors/test_default_models.py",
    ),
    "callbacks": (
        "contract_tests/vendors/test_callbacks.py",
        "contract_tests/specs/test_spec_examples_parse.py",
    ),
    "batch": (
        "contract_tests/batch/test_batch_accounting.py",
        "contract_tests/batch/test_batch_command_accounting.py",
        "contract_tests/batch/test_batch_postgres.py",
        "contract_tests/client/test_money.py",
        "contract_tests/batch/test_batch.py",
    ),
    "gateway": (
        "contract_tests/gateway/test_gateway_tenants.py",
        "contract_tests/gateway/test_gateway_store.py",
        "contract_tests/gateway/test_gateway_delete.py",
        "contract_tests/gateway/test_gateway_error_mapping.py",
        "contract_tests/gateway/test_gateway_openai_client.py",
        "contract_tests/gateway/test_gateway_hostile_input.py",
        "contract_tests/gateway/test_gateway_webhooks.py",
        "contract_tests/gateway/test_gateway_money.py",
    ),
    "cli": (
        "contract_tests/cli/test_cli_hints.py",
        "contract_tests/cli/test_cli_help.py",
        "contract_tests/cli/test_cli.py",
        "contract_tests/cli/test_cli_models.py",
        "contract_tests/batch/test_batch_command_accounting.py",
    ),
    "sandbox": (
        "contract_tests/sandbox/test_sandbox.py",
        "contract_tests/sandbox/test_sandbox_tenants.py",
        "contract_tests/sandbox/test_sandbox_state_file.py",
        "contract_tests/sandbox/test_sandbox_vendor_rules.py",
        "contract_tests/sandbox/test_sandbox_conformance.py",
        "contract_tests/sandbox/test_sandbox_outsider.py",
    ),
    "_limits": ("contract_tests/client/test_limits.py", "contract_tests/client/test_boundaries.py"),
    "_images": (
        "contract_tests/client/test_image_headers.py",
        "contract_tests/client/test_local_images.py",
    ),
    "_redact": ("contract_tests/client/test_redaction.py", "contract_tests/client/test_edges.py"),
    "_retry": (
        "contract_tests/client/test_client_retries.py",
        "contract_tests/client/test_edges.py",
    ),
    "client": (
        "contract_tests/client/test_client_requests.py",
        "contract_tests/client/test_client_errors.py",
        "contract_tests/client/test_client_download.py",
        "contract_tests/client/test_client_wait.py",
        "contract_tests/client/test_boundaries.py",
        "contract_tests/client/test_redaction.py",
        "contract_tests/client/test_edges.py",
    ),
}
SPEC_TESTS = (
    "contract_tests/specs/test_spec_examples.py",
    "contract_tests/specs/test_spec_examples_parse.py",
    "contract_tests/specs/test_spec_lint.py",
    "contract_tests/specs/test_tolerance.py",
    "contract_tests/vendors/test_capabilities.py",
    "contract_tests/specs/test_generated_clients.py",
    "contract_tests/specs/test_cassettes.py",
    "contract_tests/properties/test_properties_requests.py",
)

# A spec's own readers, run before SPEC_TESTS: the file hosts' specs are read by the sandbox's
# upload hosts, the gateway's by the gateway and its schemathesis run, evolink's by its emulator.
SPEC_OWN_TESTS: dict[str, tuple[str, ...]] = {
    "kie_files": ("contract_tests/client/test_local_images.py",),
    "evolink_files": ("contract_tests/client/test_local_images.py",),
    "gateway": (
        "contract_tests/gateway/test_gateway_spec.py",
        "contract_tests/gateway/test_gateway_hostile_input.py",
        "contract_tests/gateway/test_gateway_openai_strict.py",
        "contract_tests/properties/test_gateway_schemathesis.py",
    ),
    "modelverse_openai": ("contract_tests/vendors/test_modelverse_openai.py",),
    # The sandbox reads evolink's task-id pattern from its spec: its 400 for a malformed id.
    "evolink": ("contract_tests/sandbox/test_sandbox_as_vendors_clients_see_it.py",),
}


@dataclass(frozen=True)
class Mutation:
    name: str
    package: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...] = ()
    spec: str | None = None  # the spec to regenerate the client of

    @property
    def guards(self) -> tuple[str, ...]:
        if self.tests:
            return self.tests
        if self.spec is not None:
            return SPEC_OWN_TESTS.get(self.spec, ()) + SPEC_TESTS
        return PACKAGE_TESTS[self.package]


@dataclass
class Verdict:
    mutation: Mutation
    caught_by: str  # "relevant tests", "whole suite", "generator", "" (survived)
    seconds: float
    detail: str = ""
    equivalent: str | None = field(default=None)


def catalogue() -> list[Mutation]:
    code = tomllib.loads((HERE / "code_mutations.toml").read_text(encoding="utf-8"))
    specs = tomllib.loads((HERE / "spec_mutations.toml").read_text(encoding="utf-8"))
    found = [
        Mutation(
            name=item["name"],
            package=item["package"],
            file=item["file"],
            old=item["old"],
            new=item["new"],
            tests=tuple(item.get("tests", ())),
        )
        for item in code["mutation"]
    ]
    for item in specs["mutation"]:
        spec = item["spec"]
        found.append(
            Mutation(
                name=item["name"],
                package=f"specs/{spec}",
                file=f"specs/{spec}.yaml",
                old=item["old"],
                new=item["new"],
                tests=tuple(item.get("tests", ())),
                spec=spec,
            )
        )
    return found


def check_catalogue(mutations: list[Mutation]) -> list[str]:
    """Every mutation applies to the checkout as it is (`old` once in its file), names are
    unique and its tests exist: a catalogue that drifted from the code measures nothing."""
    problems = []
    names = [m.name for m in mutations]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(f"two mutations are called {name!r}")
    for mutation in mutations:
        path = ROOT / mutation.file
        if not path.exists():
            problems.append(f"{mutation.name}: {mutation.file} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(mutation.old)
        if count != 1:
            problems.append(f"{mutation.name}: `old` occurs {count} times in {mutation.file}")
        if mutation.old == mutation.new:
            problems.append(f"{mutation.name}: `new` is `old`")
        problems.extend(
            f"{mutation.name}: no test file {test}"
            for test in mutation.guards
            if not (ROOT / test.split("::")[0]).exists()
        )
    return problems


def _copy_project(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".schemathesis", "*.pyc")
    for name in COPIED:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in COPIED_FILES:
        shutil.copy2(ROOT / name, target / name)


def _environment(scratch: Path) -> dict[str, str]:
    # The copy's own packages come first: the installed (editable) ones point at the checkout.
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            str(scratch / part) for part in ("wrappers", "generated", ".")
        ),
        "SORA_UNIFIED_SPECS_DIR": str(scratch / "specs"),
        "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "default"),
    }


def _run(
    command: list[str], scratch: Path, seconds: int
) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            command,
            cwd=scratch,
            env=_environment(scratch),
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None  # a hang: the suite did not let the mutant pass


def _failure(done: subprocess.CompletedProcess[str] | None) -> str:
    """The first failed test of pytest's short summary (not a log line that says ERROR)."""
    if done is None:
        return "timed out (a hang)"
    lines = [
        line
        for line in done.stdout.splitlines()
        if line.startswith(("FAILED contract_tests", "ERROR contract_tests"))
    ]
    return lines[0][:200] if lines else f"exit {done.returncode}"


def _keep_log(index: int, stage: str, done: subprocess.CompletedProcess[str] | None) -> None:
    """What the failing run printed, in .mutation/logs/, to tell a real catch from noise."""
    folder = SCRATCH / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    text = "timed out" if done is None else done.stdout[-20000:] + "\n" + done.stderr[-5000:]
    (folder / f"m{index:03d}-{stage}.txt").write_text(text, encoding="utf-8")


def run_mutation(index: int, mutation: Mutation, relevant_only: bool = False) -> Verdict:
    started = time.monotonic()
    scratch = SCRATCH / "work" / f"m{index:03d}"
    _copy_project(scratch)
    try:
        path = scratch / mutation.file
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(mutation.old, mutation.new, 1), encoding="utf-8")
        if mutation.spec is not None:
            made = _run(
                [sys.executable, "tools/generate.py", mutation.spec], scratch, TARGETED_SECONDS
            )
            if made is None or made.returncode != 0:
                return Verdict(mutation, "generator", time.monotonic() - started)
        targeted = _run([*PYTEST, *mutation.guards], scratch, TARGETED_SECONDS)
        if targeted is None or targeted.returncode != 0:
            _keep_log(index, "relevant", targeted)
            return Verdict(
                mutation, "relevant tests", time.monotonic() - started, _failure(targeted)
            )
        if relevant_only:
            return Verdict(mutation, "", time.monotonic() - started, "(whole suite not run)")
        if mutation.name in equivalent_reasons():
            # Its reason says no test can tell it apart: the whole suite would spend minutes
            # to say so again. Its guards still run, so a stale reason shows as a catch.
            return Verdict(mutation, "", time.monotonic() - started, "(equivalent: guards only)")
        whole = _run([*PYTEST, "contract_tests", *WHOLE_SUITE_IGNORES], scratch, SUITE_SECONDS)
        if whole is None or whole.returncode != 0:
            _keep_log(index, "whole", whole)
            return Verdict(mutation, "whole suite", time.monotonic() - started, _failure(whole))
        return Verdict(mutation, "", time.monotonic() - started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def equivalent_reasons() -> dict[str, str]:
    """tools/mutation/equivalent.toml: the reason each equivalent mutation cannot be caught."""
    found: dict[str, str] = tomllib.loads(
        (HERE / "equivalent.toml").read_text(encoding="utf-8")
    ).get("equivalent", {})
    return found


def report(verdicts: list[Verdict]) -> int:
    equivalent = equivalent_reasons()
    by_package: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        if not verdict.caught_by:
            verdict.equivalent = equivalent.get(verdict.mutation.name)
        by_package[verdict.mutation.package].append(verdict)
    print("\nmutation report (a package passes at 90 % of its non-equivalent mutants)")
    under = 0
    for package in sorted(by_package):
        found = by_package[package]
        counted = [v for v in found if v.equivalent is None]
        caught = sum(1 for v in counted if v.caught_by)
        rate = 100.0 * caught / len(counted) if counted else 100.0
        late = sum(1 for v in counted if v.caught_by == "whole suite")
        mark = "ok" if rate >= TARGET_RATE else "UNDER 90 %"
        under += rate < TARGET_RATE
        note = f", {late} only by the whole suite" if late else ""
        print(f"  {package:<24} {caught:>3}/{len(counted):<3} = {rate:5.1f} %  {mark}{note}")
    for verdict in verdicts:
        if verdict.equivalent is not None:
            print(f"  equivalent {verdict.mutation.name}: {verdict.equivalent}")
    for verdict in verdicts:
        if not verdict.caught_by and verdict.equivalent is None:
            print(f"  SURVIVED [{verdict.mutation.package}] {verdict.mutation.name}")
    total = sum(v.seconds for v in verdicts)
    print(f"  {len(verdicts)} mutations, {total / 60:.1f} min of test time")
    return 1 if under else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", action="append", help="only this package (repeatable)")
    parser.add_argument("--name", action="append", help="only the mutation of this name")
    parser.add_argument("--list", action="store_true", help="print the catalogue and stop")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--relevant-only",
        action="store_true",
        help="a quick look: stop after the guarding tests (survivors are not run whole)",
    )
    args = parser.parse_args(argv)
    mutations = catalogue()
    problems = check_catalogue(mutations)
    if problems:
        print("the catalogue does not match the checkout:", *problems, sep="\n  ")
        return 2
    if args.package:
        mutations = [m for m in mutations if m.package in args.package]
    if args.name:
        mutations = [m for m in mutations if m.name in args.name]
    if args.list:
        for mutation in mutations:
            print(f"[{mutation.package}] {mutation.name} ({mutation.file})")
        return 0
    print(f"{len(mutations)} mutations, {args.jobs} at a time ...", file=sys.stderr, flush=True)
    verdicts: list[Verdict] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        running = [
            pool.submit(run_mutation, n, m, args.relevant_only) for n, m in enumerate(mutations)
        ]
        for done in as_completed(running):
            verdict = done.result()
            verdicts.append(verdict)
            caught = verdict.caught_by or "SURVIVED"
            print(
                f"{len(verdicts):>4}/{len(mutations)} {caught:>15} {verdict.seconds:5.0f} s"
                f"  [{verdict.mutation.package}] {verdict.mutation.name}  {verdict.detail}",
                flush=True,
            )
    verdicts.sort(key=lambda v: mutations.index(v.mutation))
    return report(verdicts)


if __name__ == "__main__":
    raise SystemExit(main())
