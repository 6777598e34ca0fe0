"""ShipSettle refund-svc: Cancellations, refunds and returns (退货退款) with deadlines, in agreement with settlement."""
