"""ShipSettle's HTTP client, generated from the services' OpenAPI documents by
deploy/openapi_client.py (`make client`): do not edit. One subpackage per service."""
