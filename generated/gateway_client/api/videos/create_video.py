from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_video_form import CreateVideoForm
from ...models.create_video_json import CreateVideoJson
from ...models.error_response import ErrorResponse
from ...models.video_resource import VideoResource
from ...types import UNSET, Response, Unset, status_from_code


def _get_kwargs(
    *,
    body: CreateVideoForm | CreateVideoJson | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/videos",
    }

    if isinstance(body, CreateVideoForm):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, CreateVideoJson):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | VideoResource | None:
    if response.status_code == 200:
        response_200 = VideoResource.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | VideoResource]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateVideoForm | CreateVideoJson | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | VideoResource]:
    """Create a video job

     Source: OpenAI Videos API `POST /videos` (vendor-facts.md §4.1-4.2). The openai package
    sends multipart form data; JSON is accepted too.

    Args:
        idempotency_key (str | Unset):
        body (CreateVideoForm):
        body (CreateVideoJson):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VideoResource]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateVideoForm | CreateVideoJson | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | VideoResource | None:
    """Create a video job

     Source: OpenAI Videos API `POST /videos` (vendor-facts.md §4.1-4.2). The openai package
    sends multipart form data; JSON is accepted too.

    Args:
        idempotency_key (str | Unset):
        body (CreateVideoForm):
        body (CreateVideoJson):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VideoResource
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateVideoForm | CreateVideoJson | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | VideoResource]:
    """Create a video job

     Source: OpenAI Videos API `POST /videos` (vendor-facts.md §4.1-4.2). The openai package
    sends multipart form data; JSON is accepted too.

    Args:
        idempotency_key (str | Unset):
        body (CreateVideoForm):
        body (CreateVideoJson):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VideoResource]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateVideoForm | CreateVideoJson | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | VideoResource | None:
    """Create a video job

     Source: OpenAI Videos API `POST /videos` (vendor-facts.md §4.1-4.2). The openai package
    sends multipart form data; JSON is accepted too.

    Args:
        idempotency_key (str | Unset):
        body (CreateVideoForm):
        body (CreateVideoJson):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VideoResource
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
