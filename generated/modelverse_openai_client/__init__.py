"""A client library for accessing modelverse.cn OpenAI-compatible video API (sora-2)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
