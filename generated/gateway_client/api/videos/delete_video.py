from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deleted_video import DeletedVideo
from ...models.error_response import ErrorResponse
from ...types import Response, status_from_code


def _get_kwargs(
    video_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/videos/{video_id}".format(
            video_id=quote(str(video_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeletedVideo | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DeletedVideo.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeletedVideo | ErrorResponse]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeletedVideo | ErrorResponse]:
    """Delete a video

     Source: OpenAI Videos API `DELETE /videos/{video_id}`. The gateway forgets the video and
    its kept file; vendors offer no deletion of their tasks.

    Args:
        video_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedVideo | ErrorResponse]
    """

    kwargs = _get_kwargs(
        video_id=video_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeletedVideo | ErrorResponse | None:
    """Delete a video

     Source: OpenAI Videos API `DELETE /videos/{video_id}`. The gateway forgets the video and
    its kept file; vendors offer no deletion of their tasks.

    Args:
        video_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedVideo | ErrorResponse
    """

    return sync_detailed(
        video_id=video_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeletedVideo | ErrorResponse]:
    """Delete a video

     Source: OpenAI Videos API `DELETE /videos/{video_id}`. The gateway forgets the video and
    its kept file; vendors offer no deletion of their tasks.

    Args:
        video_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedVideo | ErrorResponse]
    """

    kwargs = _get_kwargs(
        video_id=video_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeletedVideo | ErrorResponse | None:
    """Delete a video

     Source: OpenAI Videos API `DELETE /videos/{video_id}`. The gateway forgets the video and
    its kept file; vendors offer no deletion of their tasks.

    Args:
        video_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedVideo | ErrorResponse
    """

    return (
        await asyncio_detailed(
            video_id=video_id,
            client=client,
        )
    ).parsed
