"""TLS: the CA bundle is read at the first handshake, not when a client is built, and every
handshake still verifies the certificate chain and the host name (sync and async).

A loopback HTTPS server presents certificates from a throwaway CA (trustme): untrusted by
default, trusted only through `SSL_CERT_FILE` or `SSL_CERT_DIR`, read as httpx reads them.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import anyio
import pytest
import sora_unified
import trustme
from sora_unified import APIConnectionError
from sora_unified._http import shared_ssl_context

from contract_tests.support.loopback import JsonAnswer

TASK = "kie:" + "t" * 32
STATUS = {
    "code": 200,
    "msg": "success",
    "data": {
        "taskId": "t" * 32,
        "model": "sora-2-text-to-video",
        "state": "generating",
        "param": "{}",
        "resultJson": None,
        "failCode": "",
        "failMsg": "",
        "createTime": 1762852000000,
        "completeTime": None,
        "progress": 40,
    },
}


class _Status(JsonAnswer):
    body = json.dumps(STATUS).encode()


@pytest.fixture
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def _https_server(ca: trustme.CA, *names: str) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*names).configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def https_url(certificate_authority: trustme.CA) -> Iterator[str]:
    yield from _https_server(certificate_authority, "127.0.0.1")


@pytest.fixture
def wrong_host_url(certificate_authority: trustme.CA) -> Iterator[str]:
    yield from _https_server(certificate_authority, "files.example.org")


@pytest.fixture(autouse=True)
def fresh_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process-wide context reads the environment once: start and end each test afresh."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    shared_ssl_context.cache_clear()
    yield
    shared_ssl_context.cache_clear()


@pytest.fixture
def trusting(
    certificate_authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


@pytest.fixture
def trusting_dir(
    certificate_authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(_hashed_dir(certificate_authority, tmp_path / "cas")))


def _hashed_dir(ca: trustme.CA, folder: Path) -> Path:
    """A CA directory as OpenSSL searches it: certificates found by subject-name hash."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to hash a CA directory (`openssl rehash`)")
    folder.mkdir()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    subprocess.run([openssl, "rehash", str(folder)], check=True, capture_output=True)
    return folder


def _client(url: str) -> sora_unified.Client:
    return sora_unified.Client("kie", api_key="tls-test", base_url=url, max_retries=0)


def _async_client(url: str) -> sora_unified.AsyncClient:
    return sora_unified.AsyncClient("kie", api_key="tls-test", base_url=url, max_retries=0)


def _async_failure(url: str) -> str:
    async def retrieve() -> str:
        client = _async_client(url)
        try:
            with pytest.raises(APIConnectionError) as caught:
                await client.retrieve(TASK)
        finally:
            await client.close()
        return str(caught.value)

    return anyio.run(retrieve)


def test_building_a_client_reads_no_ca_bundle() -> None:
    with sora_unified.Client("kie", api_key="tls-test"):
        assert shared_ssl_context().cert_store_stats()["x509_ca"] == 0


def test_the_bundle_is_read_at_the_first_handshake(https_url: str) -> None:
    with _client(https_url) as client, pytest.raises(APIConnectionError):
        client.retrieve(TASK)
    assert shared_ssl_context().cert_store_stats()["x509_ca"] > 0


def test_an_untrusted_certificate_fails_sync(https_url: str) -> None:
    with _client(https_url) as client, pytest.raises(APIConnectionError) as caught:
        client.retrieve(TASK)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_an_untrusted_certificate_fails_async(https_url: str) -> None:
    assert "CERTIFICATE_VERIFY_FAILED" in _async_failure(https_url)


@pytest.mark.usefixtures("trusting")
def test_a_certificate_from_ssl_cert_file_is_trusted_sync(https_url: str) -> None:
    with _client(https_url) as client:
        assert client.retrieve(TASK).progress == 40


@pytest.mark.usefixtures("trusting")
def test_a_certificate_from_ssl_cert_file_is_trusted_async(https_url: str) -> None:
    async def retrieve() -> int | None:
        client = _async_client(https_url)
        try:
            return (await client.retrieve(TASK)).progress
        finally:
            await client.close()

    assert anyio.run(retrieve) == 40


@pytest.mark.usefixtures("trusting")
def test_a_trusted_certificate_for_another_host_fails(wrong_host_url: str) -> None:
    with _client(wrong_host_url) as client, pytest.raises(APIConnectionError) as caught:
        client.retrieve(TASK)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


@pytest.mark.usefixtures("trusting")
def test_a_trusted_certificate_for_another_host_fails_async(wrong_host_url: str) -> None:
    assert "CERTIFICATE_VERIFY_FAILED" in _async_failure(wrong_host_url)


def test_a_missing_ssl_cert_file_fails_when_the_client_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "absent.pem"))
    with pytest.raises(FileNotFoundError, match=r"absent\.pem"):
        sora_unified.Client("kie", api_key="tls-test")


@pytest.mark.subprocess
@pytest.mark.usefixtures("trusting_dir")
def test_a_certificate_from_ssl_cert_dir_is_trusted(https_url: str) -> None:
    with _client(https_url) as client:
        assert client.retrieve(TASK).progress == 40


@pytest.mark.subprocess
@pytest.mark.usefixtures("trusting_dir")
def test_ssl_cert_file_is_read_instead_of_ssl_cert_dir(
    https_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx's order: with both set, only the file is read, so a CA only the directory holds
    # is not trusted.
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    with _client(https_url) as client, pytest.raises(APIConnectionError) as caught:
        client.retrieve(TASK)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_a_missing_ssl_cert_dir_trusts_nothing(
    https_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As with httpx: the client is built (plain-HTTP requests still work), and every HTTPS
    # handshake fails verification instead of falling back to certifi's bundle.
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "absent"))
    with _client(https_url) as client, pytest.raises(APIConnectionError) as caught:
        client.retrieve(TASK)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert shared_ssl_context().cert_store_stats()["x509_ca"] == 0


def test_one_context_loads_once_under_threads(https_url: str, trusting: None) -> None:
    context = shared_ssl_context()
    loads = 0
    real = context.load_verify_locations

    def counted(*args: object, **kwargs: object) -> None:
        nonlocal loads
        loads += 1
        real(*args, **kwargs)  # type: ignore[arg-type]

    context.load_verify_locations = counted  # type: ignore[method-assign]
    with _client(https_url) as client:
        threads = [threading.Thread(target=client.retrieve, args=(TASK,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert loads == 1
