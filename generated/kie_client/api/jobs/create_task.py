from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.characters_pro_request import CharactersProRequest
from ...models.characters_request import CharactersRequest
from ...models.create_task_response import CreateTaskResponse
from ...models.error_response import ErrorResponse
from ...models.image_to_video_request import ImageToVideoRequest
from ...models.image_to_video_stable_request import ImageToVideoStableRequest
from ...models.pro_image_to_video_request import ProImageToVideoRequest
from ...models.pro_text_to_video_request import ProTextToVideoRequest
from ...models.storyboard_request import StoryboardRequest
from ...models.text_to_video_request import TextToVideoRequest
from ...models.text_to_video_stable_request import TextToVideoStableRequest
from ...models.watermark_remover_request import WatermarkRemoverRequest
from ...types import Response, status_from_code


def _get_kwargs(
    *,
    body: CharactersProRequest
    | CharactersRequest
    | ImageToVideoRequest
    | ImageToVideoStableRequest
    | ProImageToVideoRequest
    | ProTextToVideoRequest
    | StoryboardRequest
    | TextToVideoRequest
    | TextToVideoStableRequest
    | WatermarkRemoverRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/jobs/createTask",
    }

    if (
        isinstance(body, TextToVideoRequest)
        or isinstance(body, ImageToVideoRequest)
        or isinstance(body, ProTextToVideoRequest)
        or isinstance(body, ProImageToVideoRequest)
        or isinstance(body, StoryboardRequest)
        or isinstance(body, TextToVideoStableRequest)
        or isinstance(body, ImageToVideoStableRequest)
        or isinstance(body, CharactersRequest)
        or isinstance(body, CharactersProRequest)
    ):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateTaskResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CreateTaskResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 433:
        response_433 = ErrorResponse.from_dict(response.json())

        return response_433

    if response.status_code == 455:
        response_455 = ErrorResponse.from_dict(response.json())

        return response_455

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 501:
        response_501 = ErrorResponse.from_dict(response.json())

        return response_501

    if response.status_code == 505:
        response_505 = ErrorResponse.from_dict(response.json())

        return response_505

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CreateTaskResponse | ErrorResponse]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CharactersProRequest
    | CharactersRequest
    | ImageToVideoRequest
    | ImageToVideoStableRequest
    | ProImageToVideoRequest
    | ProTextToVideoRequest
    | StoryboardRequest
    | TextToVideoRequest
    | TextToVideoStableRequest
    | WatermarkRemoverRequest,
) -> Response[CreateTaskResponse | ErrorResponse]:
    """Create a Sora 2 generation task

     Creates an asynchronous Sora 2 task; the body's `model` selects the request variant.
    Source: kie.ai "Sora2 Pro 文生视频", "Sora2 图生视频", "Sora-2 Pro Storyboard" pages and
    the apidog export (sora-2-text-to-video, sora-2-pro-image-to-video).
    A success is `code: 200` with `data.taskId`; any other `code` in an HTTP 200 body is an
    error exactly as if it had arrived as that HTTP status.

    Args:
        body (CharactersProRequest | CharactersRequest | ImageToVideoRequest |
            ImageToVideoStableRequest | ProImageToVideoRequest | ProTextToVideoRequest |
            StoryboardRequest | TextToVideoRequest | TextToVideoStableRequest |
            WatermarkRemoverRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateTaskResponse | ErrorResponse]
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
    body: CharactersProRequest
    | CharactersRequest
    | ImageToVideoRequest
    | ImageToVideoStableRequest
    | ProImageToVideoRequest
    | ProTextToVideoRequest
    | StoryboardRequest
    | TextToVideoRequest
    | TextToVideoStableRequest
    | WatermarkRemoverRequest,
) -> CreateTaskResponse | ErrorResponse | None:
    """Create a Sora 2 generation task

     Creates an asynchronous Sora 2 task; the body's `model` selects the request variant.
    Source: kie.ai "Sora2 Pro 文生视频", "Sora2 图生视频", "Sora-2 Pro Storyboard" pages and
    the apidog export (sora-2-text-to-video, sora-2-pro-image-to-video).
    A success is `code: 200` with `data.taskId`; any other `code` in an HTTP 200 body is an
    error exactly as if it had arrived as that HTTP status.

    Args:
        body (CharactersProRequest | CharactersRequest | ImageToVideoRequest |
            ImageToVideoStableRequest | ProImageToVideoRequest | ProTextToVideoRequest |
            StoryboardRequest | TextToVideoRequest | TextToVideoStableRequest |
            WatermarkRemoverRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateTaskResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CharactersProRequest
    | CharactersRequest
    | ImageToVideoRequest
    | ImageToVideoStableRequest
    | ProImageToVideoRequest
    | ProTextToVideoRequest
    | StoryboardRequest
    | TextToVideoRequest
    | TextToVideoStableRequest
    | WatermarkRemoverRequest,
) -> Response[CreateTaskResponse | ErrorResponse]:
    """Create a Sora 2 generation task

     Creates an asynchronous Sora 2 task; the body's `model` selects the request variant.
    Source: kie.ai "Sora2 Pro 文生视频", "Sora2 图生视频", "Sora-2 Pro Storyboard" pages and
    the apidog export (sora-2-text-to-video, sora-2-pro-image-to-video).
    A success is `code: 200` with `data.taskId`; any other `code` in an HTTP 200 body is an
    error exactly as if it had arrived as that HTTP status.

    Args:
        body (CharactersProRequest | CharactersRequest | ImageToVideoRequest |
            ImageToVideoStableRequest | ProImageToVideoRequest | ProTextToVideoRequest |
            StoryboardRequest | TextToVideoRequest | TextToVideoStableRequest |
            WatermarkRemoverRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateTaskResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CharactersProRequest
    | CharactersRequest
    | ImageToVideoRequest
    | ImageToVideoStableRequest
    | ProImageToVideoRequest
    | ProTextToVideoRequest
    | StoryboardRequest
    | TextToVideoRequest
    | TextToVideoStableRequest
    | WatermarkRemoverRequest,
) -> CreateTaskResponse | ErrorResponse | None:
    """Create a Sora 2 generation task

     Creates an asynchronous Sora 2 task; the body's `model` selects the request variant.
    Source: kie.ai "Sora2 Pro 文生视频", "Sora2 图生视频", "Sora-2 Pro Storyboard" pages and
    the apidog export (sora-2-text-to-video, sora-2-pro-image-to-video).
    A success is `code: 200` with `data.taskId`; any other `code` in an HTTP 200 body is an
    error exactly as if it had arrived as that HTTP status.

    Args:
        body (CharactersProRequest | CharactersRequest | ImageToVideoRequest |
            ImageToVideoStableRequest | ProImageToVideoRequest | ProTextToVideoRequest |
            StoryboardRequest | TextToVideoRequest | TextToVideoStableRequest |
            WatermarkRemoverRequest): One variant per model, told apart by the `model` constant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateTaskResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
