from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.base_64_upload_request import Base64UploadRequest
from ...models.error_object_response import ErrorObjectResponse
from ...models.failed_upload_response import FailedUploadResponse
from ...models.upload_response import UploadResponse
from ...types import Response, status_from_code


def _get_kwargs(
    *,
    body: Base64UploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/files/upload/base64",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorObjectResponse | FailedUploadResponse | UploadResponse | None:
    if response.status_code == 200:
        response_200 = UploadResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:

        def _parse_response_400(
            data: object,
        ) -> ErrorObjectResponse | FailedUploadResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_response_type_0 = ErrorObjectResponse.from_dict(
                    data
                )

                return componentsschemas_error_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_response_type_1 = FailedUploadResponse.from_dict(
                data
            )

            return componentsschemas_error_response_type_1

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:

        def _parse_response_401(
            data: object,
        ) -> ErrorObjectResponse | FailedUploadResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_response_type_0 = ErrorObjectResponse.from_dict(
                    data
                )

                return componentsschemas_error_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_response_type_1 = FailedUploadResponse.from_dict(
                data
            )

            return componentsschemas_error_response_type_1

        response_401 = _parse_response_401(response.json())

        return response_401

    if response.status_code == 413:

        def _parse_response_413(
            data: object,
        ) -> ErrorObjectResponse | FailedUploadResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_response_type_0 = ErrorObjectResponse.from_dict(
                    data
                )

                return componentsschemas_error_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_response_type_1 = FailedUploadResponse.from_dict(
                data
            )

            return componentsschemas_error_response_type_1

        response_413 = _parse_response_413(response.json())

        return response_413

    if response.status_code == 429:

        def _parse_response_429(
            data: object,
        ) -> ErrorObjectResponse | FailedUploadResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_response_type_0 = ErrorObjectResponse.from_dict(
                    data
                )

                return componentsschemas_error_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_response_type_1 = FailedUploadResponse.from_dict(
                data
            )

            return componentsschemas_error_response_type_1

        response_429 = _parse_response_429(response.json())

        return response_429

    if response.status_code == 500:

        def _parse_response_500(
            data: object,
        ) -> ErrorObjectResponse | FailedUploadResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_response_type_0 = ErrorObjectResponse.from_dict(
                    data
                )

                return componentsschemas_error_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_response_type_1 = FailedUploadResponse.from_dict(
                data
            )

            return componentsschemas_error_response_type_1

        response_500 = _parse_response_500(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorObjectResponse | FailedUploadResponse | UploadResponse]:
    return Response(
        status_code=status_from_code(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Base64UploadRequest,
) -> Response[ErrorObjectResponse | FailedUploadResponse | UploadResponse]:
    """Upload a file given as base64 or a data URL

     Source: EvoLink's MCP server guide ("File Management API") and its skill README's
    curl example; see the info description.

    Args:
        body (Base64UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorObjectResponse | FailedUploadResponse | UploadResponse]
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
    body: Base64UploadRequest,
) -> ErrorObjectResponse | FailedUploadResponse | UploadResponse | None:
    """Upload a file given as base64 or a data URL

     Source: EvoLink's MCP server guide ("File Management API") and its skill README's
    curl example; see the info description.

    Args:
        body (Base64UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorObjectResponse | FailedUploadResponse | UploadResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Base64UploadRequest,
) -> Response[ErrorObjectResponse | FailedUploadResponse | UploadResponse]:
    """Upload a file given as base64 or a data URL

     Source: EvoLink's MCP server guide ("File Management API") and its skill README's
    curl example; see the info description.

    Args:
        body (Base64UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorObjectResponse | FailedUploadResponse | UploadResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Base64UploadRequest,
) -> ErrorObjectResponse | FailedUploadResponse | UploadResponse | None:
    """Upload a file given as base64 or a data URL

     Source: EvoLink's MCP server guide ("File Management API") and its skill README's
    curl example; see the info description.

    Args:
        body (Base64UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorObjectResponse | FailedUploadResponse | UploadResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
