"""Modules stay small enough to hold one concept: none of the package's is over 500 lines."""

from __future__ import annotations

from contract_tests.support.specs import ROOT

MAX_LINES = 500


def test_no_module_of_the_package_is_over_500_lines() -> None:
    package = ROOT / "wrappers" / "sora_unified"
    long = {
        str(path.relative_to(package)): count
        for path in sorted(package.rglob("*.py"))
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (lines): {long}"
