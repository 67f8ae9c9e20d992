"""A client library for accessing modelverse.cn Sora 2 task API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
