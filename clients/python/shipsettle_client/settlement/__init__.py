"""A client library for accessing ShipSettle settlement-svc"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
