"""ShipSettle logistics-svc: Carriers, dispatch with tracking numbers (物流单号), signed carrier webhooks, and sign-off (签收 / 确认收货)."""
