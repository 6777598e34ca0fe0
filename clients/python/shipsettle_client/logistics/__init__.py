"""A client library for accessing ShipSettle logistics-svc"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
