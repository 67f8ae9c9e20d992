from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.download_video_content_variant import DownloadVideoContentVariant
from ...models.error_response import ErrorResponse
from ...types import UNSET, File, Response, Unset, status_from_code


def _get_kwargs(
    video_id: str,
    *,
    variant: DownloadVideoContentVariant | Unset = "video",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_variant: str | Unset = UNSET
    if not isinstance(variant, Unset):
        json_variant = variant

    params["variant"] = json_variant

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/videos/{video_id}/content".format(
            video_id=quote(str(video_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = ErrorResponse.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | File]:
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
    variant: DownloadVideoContentVariant | Unset = "video",
) -> Response[ErrorResponse | File]:
    """Download the video's bytes

     Source: OpenAI Videos API `GET /videos/{video_id}/content` (variant video only).

    Args:
        video_id (str):
        variant (DownloadVideoContentVariant | Unset):  Default: 'video'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        video_id=video_id,
        variant=variant,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
    variant: DownloadVideoContentVariant | Unset = "video",
) -> ErrorResponse | File | None:
    """Download the video's bytes

     Source: OpenAI Videos API `GET /videos/{video_id}/content` (variant video only).

    Args:
        video_id (str):
        variant (DownloadVideoContentVariant | Unset):  Default: 'video'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return sync_detailed(
        video_id=video_id,
        client=client,
        variant=variant,
    ).parsed


async def asyncio_detailed(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
    variant: DownloadVideoContentVariant | Unset = "video",
) -> Response[ErrorResponse | File]:
    """Download the video's bytes

     Source: OpenAI Videos API `GET /videos/{video_id}/content` (variant video only).

    Args:
        video_id (str):
        variant (DownloadVideoContentVariant | Unset):  Default: 'video'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        video_id=video_id,
        variant=variant,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    video_id: str,
    *,
    client: AuthenticatedClient | Client,
    variant: DownloadVideoContentVariant | Unset = "video",
) -> ErrorResponse | File | None:
    """Download the video's bytes

     Source: OpenAI Videos API `GET /videos/{video_id}/content` (variant video only).

    Args:
        video_id (str):
        variant (DownloadVideoContentVariant | Unset):  Default: 'video'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return (
        await asyncio_detailed(
            video_id=video_id,
            client=client,
            variant=variant,
        )
    ).parsed
