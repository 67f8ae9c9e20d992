from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.record_info_response import RecordInfoResponse
from ...types import UNSET, Response, status_from_code


def _get_kwargs(
    *,
    task_id: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["taskId"] = task_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/jobs/recordInfo",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RecordInfoResponse | None:
    if response.status_code == 200:
        response_200 = RecordInfoResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 455:
        response_455 = ErrorResponse.from_dict(response.json())

        return response_455

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | RecordInfoResponse]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    task_id: str,
) -> Response[ErrorResponse | RecordInfoResponse]:
    """Get a task's state and result

     Source: https://docs.kie.ai/market/common/get-task-detail and the apidog export.
    `x-task-fields` names where a client reads the task in the 200 body (JSON pointers;
    `#` continues inside a JSON-in-a-string field); callbacks carry the same body.
    Right after creation the vendor may answer `data: null` or `code: 422` with
    `msg: "recordInfo is null"` (in an HTTP 200 body): the task is not visible yet.
    Poll every 2-3 s for the first 30 s, then every 5-10 s, then every 15-30 s after two
    minutes; at most 10 requests per second per key. Result URLs expire after about 24 hours.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RecordInfoResponse]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    task_id: str,
) -> ErrorResponse | RecordInfoResponse | None:
    """Get a task's state and result

     Source: https://docs.kie.ai/market/common/get-task-detail and the apidog export.
    `x-task-fields` names where a client reads the task in the 200 body (JSON pointers;
    `#` continues inside a JSON-in-a-string field); callbacks carry the same body.
    Right after creation the vendor may answer `data: null` or `code: 422` with
    `msg: "recordInfo is null"` (in an HTTP 200 body): the task is not visible yet.
    Poll every 2-3 s for the first 30 s, then every 5-10 s, then every 15-30 s after two
    minutes; at most 10 requests per second per key. Result URLs expire after about 24 hours.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RecordInfoResponse
    """

    return sync_detailed(
        client=client,
        task_id=task_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    task_id: str,
) -> Response[ErrorResponse | RecordInfoResponse]:
    """Get a task's state and result

     Source: https://docs.kie.ai/market/common/get-task-detail and the apidog export.
    `x-task-fields` names where a client reads the task in the 200 body (JSON pointers;
    `#` continues inside a JSON-in-a-string field); callbacks carry the same body.
    Right after creation the vendor may answer `data: null` or `code: 422` with
    `msg: "recordInfo is null"` (in an HTTP 200 body): the task is not visible yet.
    Poll every 2-3 s for the first 30 s, then every 5-10 s, then every 15-30 s after two
    minutes; at most 10 requests per second per key. Result URLs expire after about 24 hours.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RecordInfoResponse]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    task_id: str,
) -> ErrorResponse | RecordInfoResponse | None:
    """Get a task's state and result

     Source: https://docs.kie.ai/market/common/get-task-detail and the apidog export.
    `x-task-fields` names where a client reads the task in the 200 body (JSON pointers;
    `#` continues inside a JSON-in-a-string field); callbacks carry the same body.
    Right after creation the vendor may answer `data: null` or `code: 422` with
    `msg: "recordInfo is null"` (in an HTTP 200 body): the task is not visible yet.
    Poll every 2-3 s for the first 30 s, then every 5-10 s, then every 15-30 s after two
    minutes; at most 10 requests per second per key. Result URLs expire after about 24 hours.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RecordInfoResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            task_id=task_id,
        )
    ).parsed
