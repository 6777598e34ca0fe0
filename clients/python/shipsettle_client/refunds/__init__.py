"""A client library for accessing ShipSettle refund-svc"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
