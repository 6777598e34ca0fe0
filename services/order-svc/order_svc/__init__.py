"""ShipSettle order-svc: Order intake, exact pricing, shipping-information confirmation (核对发货信息), the order timeline, and API-key issuance."""
