from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sora_2_pro_remix_request import Sora2ProRemixRequest
from ...models.sora_2_pro_request import Sora2ProRequest
from ...models.sora_2_request import Sora2Request
from ...models.sora_preview_request import SoraPreviewRequest
from ...models.sora_pro_preview_request import SoraProPreviewRequest
from ...models.video_generation_response import VideoGenerationResponse
from ...types import Response, status_from_code


def _get_kwargs(
    *,
    body: Sora2ProRemixRequest
    | Sora2ProRequest
    | Sora2Request
    | SoraPreviewRequest
    | SoraProPreviewRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/videos/generations",
    }

    if (
        isinstance(body, SoraProPreviewRequest)
        or isinstance(body, SoraPreviewRequest)
        or isinstance(body, Sora2Request)
        or isinstance(body, Sora2ProRequest)
    ):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | VideoGenerationResponse | None:
    if response.status_code == 200:
        response_200 = VideoGenerationResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

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
) -> Response[ErrorResponse | VideoGenerationResponse]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Sora2ProRemixRequest
    | Sora2ProRequest
    | Sora2Request
    | SoraPreviewRequest
    | SoraProPreviewRequest,
) -> Response[ErrorResponse | VideoGenerationResponse]:
    """Create a Sora 2 video task (any model, or a remix)

     Text-to-video, image-to-video or (sora-2-pro-remix) a remix of an earlier task.
    Asynchronous: poll getTaskDetail with the returned `id`, or pass `callback_url`. Result
    links are valid for 24 hours. Content moderation is strict and images of real people
    are refused. Source: evolink "Sora-2-Pro 视频生成", "Sora 2" and "Sora 2 Pro Remix".

    Args:
        body (Sora2ProRemixRequest | Sora2ProRequest | Sora2Request | SoraPreviewRequest |
            SoraProPreviewRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VideoGenerationResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: Sora2ProRemixRequest
    | Sora2ProRequest
    | Sora2Request
    | SoraPreviewRequest
    | SoraProPreviewRequest,
) -> ErrorResponse | VideoGenerationResponse | None:
    """Create a Sora 2 video task (any model, or a remix)

     Text-to-video, image-to-video or (sora-2-pro-remix) a remix of an earlier task.
    Asynchronous: poll getTaskDetail with the returned `id`, or pass `callback_url`. Result
    links are valid for 24 hours. Content moderation is strict and images of real people
    are refused. Source: evolink "Sora-2-Pro 视频生成", "Sora 2" and "Sora 2 Pro Remix".

    Args:
        body (Sora2ProRemixRequest | Sora2ProRequest | Sora2Request | SoraPreviewRequest |
            SoraProPreviewRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VideoGenerationResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Sora2ProRemixRequest
    | Sora2ProRequest
    | Sora2Request
    | SoraPreviewRequest
    | SoraProPreviewRequest,
) -> Response[ErrorResponse | VideoGenerationResponse]:
    """Create a Sora 2 video task (any model, or a remix)

     Text-to-video, image-to-video or (sora-2-pro-remix) a remix of an earlier task.
    Asynchronous: poll getTaskDetail with the returned `id`, or pass `callback_url`. Result
    links are valid for 24 hours. Content moderation is strict and images of real people
    are refused. Source: evolink "Sora-2-Pro 视频生成", "Sora 2" and "Sora 2 Pro Remix".

    Args:
        body (Sora2ProRemixRequest | Sora2ProRequest | Sora2Request | SoraPreviewRequest |
            SoraProPreviewRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VideoGenerationResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Sora2ProRemixRequest
    | Sora2ProRequest
    | Sora2Request
    | SoraPreviewRequest
    | SoraProPreviewRequest,
) -> ErrorResponse | VideoGenerationResponse | None:
    """Create a Sora 2 video task (any model, or a remix)

     Text-to-video, image-to-video or (sora-2-pro-remix) a remix of an earlier task.
    Asynchronous: poll getTaskDetail with the returned `id`, or pass `callback_url`. Result
    links are valid for 24 hours. Content moderation is strict and images of real people
    are refused. Source: evolink "Sora-2-Pro 视频生成", "Sora 2" and "Sora 2 Pro Remix".

    Args:
        body (Sora2ProRemixRequest | Sora2ProRequest | Sora2Request | SoraPreviewRequest |
            SoraProPreviewRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VideoGenerationResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
