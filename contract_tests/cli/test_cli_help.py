"""Help is the reference: every option has help and shows its default, each command names the
environment variables it reads (and only real ones), `--version`, `python -m sora_unified`,
a misspelt option answered by that command, and nothing a mode ignores is silently dropped."""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from sora_unified.cli import build_parser, main
from sora_unified.cli._style import paint

PACKAGE = Path(__file__).resolve().parents[2] / "wrappers" / "sora_unified"


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (choices,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(choices.choices)


COMMANDS = _commands()


pytestmark = pytest.mark.usefixtures("fake_waits")  # cli/conftest.py


@pytest.fixture(autouse=True)
def wide_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # help on one line per option: read, not wrapped


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_and_shows_its_default(name: str) -> None:
    command = COMMANDS[name]
    text = " ".join(command.format_help().split())
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        where = f"{name} {'/'.join(action.option_strings) or action.dest}"
        assert action.help, f"{where} has no help"
        default = action.default
        if action.option_strings and default not in (None, False):
            shown = f"{default:g}" if isinstance(default, float) else str(default)
            assert re.search(rf"default:? {re.escape(shown)}\b", text), (where, shown)


def _named_variables(text: str) -> set[str]:
    return set(
        re.findall(r"\b(?:SORA_UNIFIED_[A-Z_]+|NO_COLOR|[A-Z]+_(?:API_KEY|BASE_URL))\b", text)
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_names_the_variables_it_reads_and_they_are_real(name: str) -> None:
    text = COMMANDS[name].format_help()
    command = COMMANDS[name]
    options = {o for action in command._actions for o in action.option_strings}
    if "--api-key" in options:
        assert "<VENDOR>_API_KEY" in text and "KIE_API_KEY" in text
    if "--sandbox" in options:
        assert "SORA_UNIFIED_SANDBOX" in text
    if name == "serve":
        assert {"SORA_UNIFIED_GATEWAY_KEYS", "SORA_UNIFIED_WEBHOOK_SECRET"} <= _named_variables(
            text
        )
    source = "\n".join(
        path.read_text() for path in PACKAGE.rglob("*.py") if "_help" not in path.name
    )
    for variable in _named_variables(text.replace("<VENDOR>", "KIE")):
        assert f'"{variable}"' in source or f'"{variable}' in source, f"{variable} is read nowhere"


def test_version_is_the_installed_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"sora-unified {metadata.version('sora-unified')}"


@pytest.mark.subprocess
def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sora_unified", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: sora-unified")


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["generate", "a corgi", "--vendor", "kie", "--secods", "4"], "did you mean --seconds?"),
        (["wait", "kie:x", "--tiemout", "5"], "did you mean --timeout?"),
        (["serve", "--prot", "9"], "did you mean --port?"),
        (["batch", "jobs.jsonl", "--vendor", "kie", "--out", "o", "--max-jbos", "2"], "--max-jobs"),
    ],
)
def test_a_misspelt_option_gets_the_commands_usage_and_the_closest_option(
    argv: list[str], suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith(f"usage: sora-unified {argv[0]} ")
    assert f"sora-unified {argv[0]}: error: unknown option" in err and suggestion in err


def test_a_stray_word_says_to_quote_the_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["generate", "a", "corgi", "--vendor", "kie"])
    assert "unexpected argument 'corgi' (quote a prompt that has spaces)" in capsys.readouterr().err


def test_the_vendor_can_come_from_the_environment(
    fast_sandbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SORA_UNIFIED_VENDOR", "evolink")
    code = main(["generate", "a corgi", "--sandbox", "--no-wait"])
    assert code == 0 and capsys.readouterr().out.startswith("evolink:")
    monkeypatch.setenv("SORA_UNIFIED_VENDOR", "openai")
    with pytest.raises(SystemExit) as exited:
        main(["generate", "a corgi", "--sandbox", "--no-wait"])
    assert exited.value.code == 2
    assert "SORA_UNIFIED_VENDOR='openai' is not a vendor" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "variable", "text"),
    [
        (["--api-key", "sk-1", "--sandbox"], None, "--api-key would be ignored with --sandbox"),
        (
            ["--base-url", "https://h.example"],
            "1",
            "--base-url would be ignored with SORA_UNIFIED_SANDBOX=1",
        ),
    ],
)
def test_a_key_or_host_the_sandbox_would_ignore_is_refused(
    fast_sandbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    variable: str | None,
    text: str,
) -> None:
    if variable:
        monkeypatch.setenv("SORA_UNIFIED_SANDBOX", variable)
    code = main(["credits", "--vendor", "kie", *argv])
    err = capsys.readouterr().err
    assert code == 2 and text in err and "sk-1" not in err


def test_an_out_in_a_missing_folder_is_refused_before_anything_is_paid(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["generate", "a corgi", "--vendor", "kie", "--sandbox", "--out", "nope/x/v.mp4"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--out nope/x/v.mp4: the folder 'nope/x' does not exist; create it first" in err
    assert "submitted" not in err and not (fast_sandbox.parent / "nope").exists()


def test_download_without_out_names_the_file_after_the_task(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "a corgi", "--vendor", "kie", "--sandbox", "--no-wait"]) == 0
    task = capsys.readouterr().out.strip()
    assert main(["download", task, "--sandbox"]) == 0
    saved = Path(capsys.readouterr().out.strip())
    assert saved == Path("out") / f"{task.replace(':', '-')}.mp4"
    assert (fast_sandbox.parent / saved).stat().st_size > 1000


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert paint("x", "error", _Terminal()) == "\x1b[1;31mx\x1b[0m"
    assert paint("x", "error", io.StringIO()) == "x"  # piped
    monkeypatch.setenv("NO_COLOR", "1")
    assert paint("x", "error", _Terminal()) == "x"
    monkeypatch.setenv("NO_COLOR", "")  # present but empty: no-color.org says colour stays
    assert paint("x", "hint", _Terminal()) == "\x1b[36mx\x1b[0m"


def test_an_error_on_a_terminal_is_red_and_its_hint_coloured(
    fast_sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["status", "kie:nope", "--sandbox"]) == 13
    first, hint = terminal.getvalue().splitlines()
    assert first.startswith("\x1b[1;31msora-unified: NotFoundError") and first.endswith("\x1b[0m")
    assert hint.startswith("\x1b[36msora-unified: kie knows no task nope")


def _readme_table(after: str) -> dict[int, str]:
    readme = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index(after)
    rows = re.findall(r"^\s*\| (\d+) \| (.*?) \|$", readme[start : start + 4000], re.MULTILINE)
    found: dict[int, str] = {}
    for code, meaning in rows:  # the first table after `after`, until the codes start over
        if int(code) in found:
            break
        found[int(code)] = meaning
    return found


def _key_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


@pytest.mark.parametrize(
    ("after", "table"),
    [("Exit codes:", "EXIT_CODES"), ("**Exit codes** say how the batch ended", "BATCH_EXIT_CODES")],
)
def test_the_readmes_exit_code_tables_are_the_commands(after: str, table: str) -> None:
    from sora_unified.cli import _exit

    codes = {code: meaning for code, _, meaning in getattr(_exit, table)}
    documented = _readme_table(after)
    assert set(documented) == set(codes), (sorted(documented), sorted(codes))
    for code, meaning in codes.items():
        shared = _key_words(meaning) & _key_words(documented[code])
        assert len(shared) >= min(2, len(_key_words(meaning))), (code, meaning, documented[code])


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("argv", "module", "extra"),
    [
        (["generate", "a corgi", "--vendor", "kie", "--sandbox", "--no-wait"], "starlette", "sandbox"),
        (["sandbox", "--port", "0"], "uvicorn", "sandbox"),
        (["serve", "--sandbox", "--port", "0"], "starlette", "sandbox"),
        (["batch", "jobs.jsonl", "--vendor", "kie", "--out", "o", "--store", "postgresql://x/y",
          "--api-key", "sk-1"], "psycopg", "postgres"),
    ],
)  # fmt: skip
def test_a_missing_extra_is_named_with_its_install_command(
    tmp_path: Path, argv: list[str], module: str, extra: str
) -> None:
    (tmp_path / "jobs.jsonl").write_text('{"custom_id": "a", "body": {"prompt": "p"}}\n')
    code = f"import sys; sys.modules[{module!r}] = None\nfrom sora_unified.cli import main\n"
    code += f"raise SystemExit(main({argv!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        check=False, env={k: v for k, v in os.environ.items() if k != "SORA_UNIFIED_SANDBOX"},
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert re.search(rf"pip install (['\"])sora-unified\[{extra}\]\1", done.stderr), done.stderr
    assert "Traceback" not in done.stderr
