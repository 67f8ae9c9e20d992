"""Generate the typed vendor clients from specs/, or check that generated/ is up to date.

    python tools/generate.py            # regenerate generated/<vendor>_client/ for every vendor
    python tools/generate.py --check    # regenerate into a temporary folder and diff

Each client gets a `py.typed` marker and a `_manifest.json` recording the spec's sha256 and the
generator and formatter versions, so a stale client is visible without regenerating it.

Both modes build the clients the same way, in a scratch folder outside the checkout, and the
formatter runs with `--isolated`: the project's own ruff settings (and wherever the scratch
folder happens to be) can never change the output, so `make generate` and
`make check-generated` agree byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
GENERATOR_DIR = ROOT / "tools" / "generator"
# Every spec in specs/ becomes a client: the vendors' task APIs and their file hosts.
VENDORS = tuple(sorted(path.stem for path in SPECS.glob("*.yaml")))
IGNORED_NAMES = {"__pycache__", ".ruff_cache"}
# How tools/generator/run.py names the spec it stopped on.
FAILED_ON = "openapi-python-client failed on "


def package_name(vendor: str) -> str:
    return f"{vendor}_client"


def _manifest(vendor: str) -> str:
    spec = SPECS / f"{vendor}.yaml"
    record = {
        "spec": f"specs/{vendor}.yaml",
        "spec_sha256": hashlib.sha256(spec.read_bytes()).hexdigest(),
        "generator": f"openapi-python-client {metadata.version('openapi-python-client')}",
        "formatter": f"ruff {metadata.version('ruff')}",
        "config": f"tools/generator/{vendor}.yaml",
    }
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def _generator_args(vendor: str, target: Path) -> list[str]:
    return [
        "generate",
        "--path",
        str(SPECS / f"{vendor}.yaml"),
        "--config",
        str(GENERATOR_DIR / f"{vendor}.yaml"),
        "--custom-template-path",
        str(GENERATOR_DIR / "templates"),
        "--meta",
        "none",
        "--output-path",
        str(target),
        "--overwrite",
        "--fail-on-warning",
    ]


def generate_vendors(vendors: tuple[str, ...], out_root: Path) -> dict[str, Path]:
    """Generate each vendor's client package under out_root (one generator process for all of
    them: tools/generator/run.py); returns each vendor's folder."""
    targets = {vendor: out_root / package_name(vendor) for vendor in vendors}
    env = dict(os.environ)
    # The generator's post hooks call `ruff`: make sure it is the pinned one beside this Python.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    runs = [_generator_args(vendor, target) for vendor, target in targets.items()]
    command = [sys.executable, str(GENERATOR_DIR / "run.py"), json.dumps(runs)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    missing = [
        vendor for vendor, target in targets.items() if not (target / "__init__.py").exists()
    ]
    if result.returncode != 0 or missing:
        sys.stderr.write(result.stdout + result.stderr)
        # The spec run.py stopped on (a warning fails a client it did write), else the first
        # client that was not written.
        stopped = [
            Path(line.removeprefix(FAILED_ON)).stem
            for line in result.stderr.splitlines()
            if line.startswith(FAILED_ON)
        ]
        failed = (stopped or missing or list(vendors))[0]
        raise SystemExit(f"generation failed for specs/{failed}.yaml")
    for vendor, target in targets.items():
        (target / "py.typed").write_text("")
        (target / "_manifest.json").write_text(_manifest(vendor))
    return targets


def _tree(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and not IGNORED_NAMES.intersection(path.relative_to(root).parts)
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that are missing, extra or different between two package trees."""
    want, have = _tree(expected), _tree(actual) if actual.exists() else set()
    changed = [
        name
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return (
        [f"missing: {name}" for name in sorted(want - have)]
        + [f"extra: {name}" for name in sorted(have - want)]
        + [f"differs: {name}" for name in changed]
    )


def check(vendors: tuple[str, ...]) -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for vendor, fresh in generate_vendors(vendors, Path(scratch)).items():
            committed = GENERATED / package_name(vendor)
            problems += [
                f"generated/{package_name(vendor)}/{line.split(': ', 1)[1]} ({line.split(':')[0]})"
                for line in differences(fresh, committed)
            ]
    if problems:
        print("generated/ does not match specs/; run `make generate` and commit:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"generated/ matches specs/ for {', '.join(vendors)}")
    return 0


def regenerate(vendors: tuple[str, ...]) -> int:
    GENERATED.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for vendor, fresh in generate_vendors(vendors, Path(scratch)).items():
            target = GENERATED / package_name(vendor)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
            print(f"generated/{package_name(vendor)} from specs/{vendor}.yaml")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is stale")
    parser.add_argument("vendors", nargs="*", help=f"some of {', '.join(VENDORS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.vendors) - set(VENDORS))
    if unknown:
        parser.error(f"unknown vendor {', '.join(unknown)}; expected some of {', '.join(VENDORS)}")
    vendors = tuple(args.vendors) or VENDORS
    return check(vendors) if args.check else regenerate(vendors)


if __name__ == "__main__":
    raise SystemExit(main())
