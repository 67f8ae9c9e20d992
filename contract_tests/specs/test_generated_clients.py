"""The generated clients on the wire: auth headers, tolerant parsing, non-standard statuses."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import pytest

from contract_tests.support.mocking import strict_router, transport
from contract_tests.support.specs import ROOT, SPECS, spec_path

KEY = "sk-test-not-a-real-key"


def test_kie_sends_bearer_token() -> None:
    from kie_client import AuthenticatedClient
    from kie_client.api.jobs import get_task_details

    with strict_router("https://api.kie.ai") as router:
        route = router.get("/api/v1/jobs/recordInfo", name="recordInfo").respond(
            json={"code": 200, "msg": "success", "data": None}
        )
        client = AuthenticatedClient(
            base_url="https://api.kie.ai",
            token=KEY,
            httpx_args={"transport": transport(router)},
        )
        response = get_task_details.sync_detailed(client=client, task_id="abc")
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {KEY}"
    assert route.calls.last.request.url.params["taskId"] == "abc"
    assert response.status_code == 200


def test_evolink_sends_bearer_token() -> None:
    from evolink_client import AuthenticatedClient
    from evolink_client.api.tasks import get_task_detail

    with strict_router("https://api.evolink.ai") as router:
        route = router.get("/v1/tasks/task-unified-1-abc", name="task").respond(
            json={"id": "task-unified-1-abc", "status": "processing", "progress": 10}
        )
        client = AuthenticatedClient(
            base_url="https://api.evolink.ai",
            token=KEY,
            httpx_args={"transport": transport(router)},
        )
        parsed = get_task_detail.sync(client=client, task_id="task-unified-1-abc")
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {KEY}"
    assert parsed is not None and parsed.status == "processing"


def test_modelverse_sends_the_bare_key() -> None:
    from modelverse_client import AuthenticatedClient
    from modelverse_client.api.tasks import submit_task
    from modelverse_client.models import TextToVideoInput, TextToVideoRequest

    with strict_router("https://api.modelverse.cn") as router:
        route = router.post("/v1/tasks/submit", name="submit").respond(
            json={"output": {"task_id": "t-1"}, "request_id": "r-1"}
        )
        client = AuthenticatedClient(
            base_url="https://api.modelverse.cn",
            token=KEY,
            prefix="",
            httpx_args={"transport": transport(router)},
        )
        body = TextToVideoRequest(
            model="openai/sora-2/text-to-video", input_=TextToVideoInput(prompt="hi")
        )
        parsed = submit_task.sync(client=client, body=body)
    assert route.calls.last.request.headers["Authorization"] == KEY
    assert json.loads(route.calls.last.request.content)["model"] == "openai/sora-2/text-to-video"
    assert parsed is not None and parsed.output.task_id == "t-1"


@pytest.mark.parametrize("status", [455, 520])
def test_non_standard_http_status_does_not_crash(status: int) -> None:
    """Stock openapi-python-client raises ValueError on HTTPStatus(455); our template does not."""
    from kie_client import AuthenticatedClient
    from kie_client.api.jobs import create_task
    from kie_client.models import ErrorResponse, TextToVideoInput, TextToVideoRequest

    with strict_router("https://api.kie.ai") as router:
        router.post("/api/v1/jobs/createTask", name="create").respond(
            status, json={"code": status, "msg": "maintenance"}
        )
        client = AuthenticatedClient(
            base_url="https://api.kie.ai",
            token=KEY,
            httpx_args={"transport": transport(router)},
        )
        body = TextToVideoRequest(
            model="sora-2-text-to-video", input_=TextToVideoInput(prompt="hi")
        )
        response = create_task.sync_detailed(client=client, body=body)
    assert response.status_code == status
    if status == 455:
        assert isinstance(response.parsed, ErrorResponse) and response.parsed.code == 455
    else:
        assert response.parsed is None  # undocumented status, raise_on_unexpected_status off


def test_unknown_values_parse_and_extra_keys_are_kept() -> None:
    from evolink_client.models import TaskDetailResponse
    from kie_client.models import RecordInfo, RecordInfoResponse
    from modelverse_client.models import TaskStatusResponse

    kie = RecordInfoResponse.from_dict(
        {
            "code": 777,
            "message": "new",
            "data": {"taskId": "t", "state": "paused", "recordId": "r", "failCode": None},
        }
    )
    assert kie.code == 777
    assert isinstance(kie.data, RecordInfo)
    assert kie.data.state == "paused"
    assert kie.data.additional_properties == {"recordId": "r"}
    evolink = TaskDetailResponse.from_dict({"id": "t", "status": "cancelled", "error": None})
    assert evolink.status == "cancelled"
    modelverse = TaskStatusResponse.from_dict(
        {"output": {"task_id": "t", "task_status": "Expired"}, "usage": None}
    )
    assert modelverse.output.task_status == "Expired"


@pytest.mark.parametrize("vendor", SPECS)
def test_manifest_records_spec_hash_and_generator(vendor: str) -> None:
    package = ROOT / "generated" / f"{vendor}_client"
    manifest = json.loads((package / "_manifest.json").read_text())
    assert manifest["spec_sha256"] == hashlib.sha256(spec_path(vendor).read_bytes()).hexdigest()
    assert (
        manifest["generator"]
        == f"openapi-python-client {metadata.version('openapi-python-client')}"
    )
    assert (package / "py.typed").exists()
    assert Path(package / "__init__.py").exists()


def test_every_generated_client_ships_in_the_wheel() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert {f"generated/{name}_client" for name in SPECS} <= set(packages)
    assert {p.name for p in (ROOT / "generated").iterdir() if p.is_dir()} == {
        f"{name}_client" for name in SPECS
    }
