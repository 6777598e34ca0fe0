"""Webhook secrets kept in memory for a few seconds (see ttl_cache.py for the rules).

A webhook's acknowledgement is on the carriers' critical path (they time out and retry), and
reading the secret was one database round trip per request. Secrets change rarely and by ops:
a new secret is seen at once by the instance that stored it and within ``ttl_s`` by the others.
"""

from __future__ import annotations

from logistics_svc.adapters.ttl_cache import TtlCache

SecretCache = TtlCache[str]

WEBHOOK_SECRETS = SecretCache()
