"""The public surface: exports, configuration, sync/async parity, import cost and direction."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import sora_unified
from sora_unified import AsyncClient, Client, ConfigurationError

from contract_tests.support.fakes import KEY
from contract_tests.support.specs import ROOT

PUBLIC_METHODS = (
    "submit",
    "retrieve",
    "wait",
    "download",
    "generate",
    "remix",
    "create_character",
    "remove_watermark",
    "credits",
    "close",
)


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(member)
    }


def test_all_is_sorted_and_importable() -> None:
    assert sora_unified.__all__ == sorted(sora_unified.__all__)
    for name in sora_unified.__all__:
        assert getattr(sora_unified, name) is not None, name
    for name in ("Client", "AsyncClient", "VideoRequest", "Shot", "Task", "Video"):
        assert name in sora_unified.__all__
    for name in ("parse_status", "parse_callback", "capabilities", "SoraError", "APIError"):
        assert name in sora_unified.__all__


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = sora_unified.NotAThing  # type: ignore[attr-defined]


def test_every_error_class_is_exported_and_in_the_docstring_tree() -> None:
    from sora_unified import errors

    tree = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in tree, f"{name} missing from the tree in the errors docstring"
        assert issubclass(getattr(errors, name), errors.SoraError)
        assert name in sora_unified.__all__


def test_sync_and_async_clients_have_the_same_signatures() -> None:
    def shape(function: object) -> list[tuple[str, object, object]]:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
        return [(p.name, p.kind, p.default) for p in parameters]

    assert shape(Client.__init__) == shape(AsyncClient.__init__)
    # Every public method of either client, not a list that can fall behind them.
    assert _public_methods(Client) == _public_methods(AsyncClient) == set(PUBLIC_METHODS)
    for name in PUBLIC_METHODS:
        assert shape(getattr(Client, name)) == shape(getattr(AsyncClient, name)), name
        assert inspect.iscoroutinefunction(getattr(AsyncClient, name)), name
        assert not inspect.iscoroutinefunction(getattr(Client, name)), name


def test_both_clients_document_every_public_method_alike() -> None:
    for name in PUBLIC_METHODS:
        documented = inspect.getdoc(getattr(Client, name))
        assert documented, f"Client.{name} has no docstring"
        assert inspect.getdoc(getattr(AsyncClient, name)) == documented, name


def test_missing_key_names_argument_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVOLINK_API_KEY", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        Client("evolink")
    assert "api_key" in str(caught.value) and "EVOLINK_API_KEY" in str(caught.value)


def test_key_and_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELVERSE_API_KEY", KEY)
    monkeypatch.setenv("MODELVERSE_BASE_URL", "http://127.0.0.1:9/")
    client = Client("modelverse")
    assert client.base_url == "http://127.0.0.1:9"
    explicit = Client("modelverse", api_key="other", base_url="https://api.umodelverse.ai")
    assert explicit.base_url == "https://api.umodelverse.ai"


def test_default_base_url_and_explicit_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIE_BASE_URL", raising=False)
    client = Client("kie", api_key=KEY)
    assert client.base_url == "https://api.kie.ai"
    assert client._http.timeout.read == 60.0 and client._http.timeout.connect == 10.0
    with pytest.raises(ConfigurationError, match="timeout"):
        Client("kie", api_key=KEY, timeout=None)
    with pytest.raises(ConfigurationError, match="max_retries"):
        Client("kie", api_key=KEY, max_retries=-1)


def test_unknown_vendor() -> None:
    with pytest.raises(ConfigurationError, match="kie, evolink, modelverse"):
        Client("openai", api_key=KEY)


def test_key_is_not_in_repr_or_headers() -> None:
    client = Client("kie", api_key=KEY)
    assert KEY not in repr(client)
    assert KEY not in repr(client._config)
    assert KEY not in str(dict(client._http.headers))


@pytest.mark.subprocess
def test_import_is_light() -> None:
    # Only two leaf modules come with the package: the version (one assignment) and the
    # lazy-exports helper (importlib only, which every interpreter has loaded).
    code = (
        "import sys, sora_unified; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'kie_client', 'evolink_client', 'modelverse_client', 'starlette', 'uvicorn')"
        " or (m.startswith('sora_unified.')"
        " and m not in ('sora_unified._version', 'sora_unified._lazy'))]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            names.add(prefix)
            names.update(
                f"{prefix}.{alias.name}" if node.module else prefix + alias.name
                for alias in node.names
            )
    return names


def test_import_direction() -> None:
    wrappers = ROOT / "wrappers" / "sora_unified"
    for path in wrappers.rglob("*.py"):
        assert not any(name.startswith("contract_tests") for name in _imports(path)), path
    vendors = {"kie", "evolink", "modelverse"}
    for vendor in vendors:
        imported = _imports(wrappers / "vendors" / f"{vendor}.py")
        for other in vendors - {vendor}:
            assert not any(other in name for name in imported), f"{vendor} adapter imports {other}"
    for path in (ROOT / "generated").rglob("*.py"):
        assert not any(name.startswith("sora_unified") for name in _imports(path)), path
