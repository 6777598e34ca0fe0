"""ShipSettle settlement-svc: Double-entry ledger, sign-off-gated holds, settlement applications (结算申请) and payouts."""
