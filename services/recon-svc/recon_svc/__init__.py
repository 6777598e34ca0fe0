"""ShipSettle recon-svc: Statements (对账单), matching, tax and 发出商品 reports, live invariants."""
