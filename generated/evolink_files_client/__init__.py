"""A client library for accessing evolink.ai File Hosting API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
