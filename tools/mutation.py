"""Mutation testing: how much of a realistic mistake does the contract suite catch?

    python tools/mutation.py                 # code and spec mutations, then the catch rate
    python tools/mutation.py --code-only     # mutmut over the modules below
    python tools/mutation.py --specs-only    # tools/mutation/spec_mutations.toml only

`make mutation` runs this (it is not part of `make test`: a full run takes a while).

Code: mutmut mutates the vendor adapters, callbacks, the capability table and the sandbox
emulators and runs the tests that cover each mutant. mutmut only finds code in `src/`, so the
run happens in a scratch copy of the project in that layout (`.mutation/code`); the original
tree is never touched.

Specs: each mutation in tools/mutation/spec_mutations.toml is applied alone to a scratch copy
(`.mutation/specs`), the clients are regenerated (so `make check-generated` would pass) and the
suite runs against that copy; a mutation the suite does not fail on survives.

Survivors recorded in tools/mutation/equivalent.toml (with the reason they cannot change
behaviour) are left out of the rate; every other survivor is listed as a gap.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tools" / "mutation"
SCRATCH = ROOT / ".mutation"
BIN = Path(sys.executable).parent
MUTATED = [
    "src/sora_unified/vendors/",
    "src/sora_unified/callbacks.py",
    "src/sora_unified/_capabilities.py",
    "src/sora_unified/sandbox/_vendors.py",
    "src/sora_unified/sandbox/_app.py",
]
COPIED = ("contract_tests", "specs", "generated", "tools", "wrappers")
# The regeneration gate reruns the generator for minutes and covers none of the mutated code.
PYTEST_ARGS = [
    "-q",
    "-x",
    "-p",
    "no:cacheprovider",
    "--ignore=contract_tests/test_regeneration_gate.py",
]
KILLED = {"killed", "caught by type check", "timeout", "segfault"}


def _copy_project(target: Path, *, src_layout: bool) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".schemathesis")
    for name in COPIED:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    if src_layout:
        shutil.copytree(
            ROOT / "wrappers" / "sora_unified", target / "src" / "sora_unified", ignore=ignore
        )
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")


def _mutmut_config() -> str:
    quoted = ", ".join(f'"{path}"' for path in MUTATED)
    copied = ", ".join(f'"{name}/"' for name in (*COPIED, "src/sora_unified"))
    pytest_args = ", ".join(f'"{arg}"' for arg in PYTEST_ARGS)
    return f"""

[tool.mutmut]
source_paths = [{quoted}]
also_copy = [{copied}]
pytest_add_cli_args = [{pytest_args}]
pytest_add_cli_args_test_selection = ["contract_tests/"]
"""


def run_code_mutations(jobs: int) -> dict[str, str]:
    """mutmut's verdict per mutant name."""
    scratch = SCRATCH / "code"
    _copy_project(scratch, src_layout=True)
    with (scratch / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(_mutmut_config())
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    print(f"mutmut: mutating {', '.join(MUTATED)} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [str(BIN / "mutmut"), "run", "--max-children", str(jobs)],
        cwd=scratch,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    listing = subprocess.run(
        [str(BIN / "mutmut"), "results", "--all", "true"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    verdicts = {}
    for line in listing.splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match:
            verdicts[match.group(1)] = match.group(2).strip()
    return verdicts


@dataclass(frozen=True)
class SpecMutation:
    name: str
    spec: str
    old: str
    new: str


def _spec_mutations() -> list[SpecMutation]:
    data = tomllib.loads((HERE / "spec_mutations.toml").read_text(encoding="utf-8"))
    return [SpecMutation(**item) for item in data["mutation"]]


def run_spec_mutation(index: int, mutation: SpecMutation) -> bool:
    """True when the suite fails on the mutated spec (the mutation is caught)."""
    scratch = SCRATCH / f"spec-{index}"
    _copy_project(scratch, src_layout=False)
    spec = scratch / "specs" / f"{mutation.spec}.yaml"
    text = spec.read_text(encoding="utf-8")
    if text.count(mutation.old) != 1:
        raise SystemExit(f"spec mutation {mutation.name!r}: `old` must occur once in {spec.name}")
    spec.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
    generate = subprocess.run(
        [sys.executable, str(scratch / "tools" / "generate.py"), mutation.spec],
        capture_output=True,
        text=True,
        check=False,
    )
    if generate.returncode != 0:
        return True  # the generator itself refused the spec
    # The copy's own packages come first: the installed (editable) ones point at the checkout.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            str(scratch / part) for part in ("wrappers", "generated", ".")
        ),
    }
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return suite.returncode != 0


def run_spec_mutations(jobs: int) -> dict[str, bool]:
    mutations = _spec_mutations()
    print(f"specs: {len(mutations)} mutations ...", file=sys.stderr, flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        caught = list(pool.map(run_spec_mutation, range(len(mutations)), mutations))
    return {m.name: c for m, c in zip(mutations, caught, strict=True)}


def report(code: dict[str, str], specs: dict[str, bool]) -> int:
    equivalent: dict[str, str] = tomllib.loads(
        (HERE / "equivalent.toml").read_text(encoding="utf-8")
    ).get("equivalent", {})
    counts = Counter(code.values())
    survivors = sorted(name for name, verdict in code.items() if verdict not in KILLED)
    excused = [name for name in survivors if name in equivalent]
    gaps = [name for name in survivors if name not in equivalent]
    spec_gaps = sorted(name for name, caught in specs.items() if not caught)
    total = len(code) - len(excused) + len(specs)
    caught = len(code) - len(survivors) + len(specs) - len(spec_gaps)
    print("\nmutation report")
    if code:
        verdicts = ", ".join(f"{n} {verdict}" for verdict, n in counts.most_common())
        print(f"  code mutants: {len(code)} ({verdicts})")
        print(f"  equivalent (excused, reasons in tools/mutation/equivalent.toml): {len(excused)}")
    if specs:
        print(f"  spec mutations: {len(specs)}, caught {len(specs) - len(spec_gaps)}")
    rate = 100.0 * caught / total if total else 100.0
    print(f"  catch rate: {caught}/{total} = {rate:.1f}% of non-equivalent mutants")
    for name in excused:
        print(f"  equivalent {name}: {equivalent[name]}")
    for name in gaps:
        print(f"  SURVIVED {name} ({code[name]})")
    for name in spec_gaps:
        print(f"  SURVIVED spec mutation: {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--code-only", action="store_true")
    only.add_argument("--specs-only", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    code = {} if args.specs_only else run_code_mutations(args.jobs)
    specs = {} if args.code_only else run_spec_mutations(args.jobs)
    return report(code, specs)


if __name__ == "__main__":
    raise SystemExit(main())
