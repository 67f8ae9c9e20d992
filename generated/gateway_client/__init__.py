"""A client library for accessing sora-unified gateway (OpenAI's Videos API on top of kie, evolink and modelverse)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
