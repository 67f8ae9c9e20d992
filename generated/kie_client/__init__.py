"""A client library for accessing kie.ai Sora 2 Market API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
