"""ShipSettle's shared library: everything the five services have in common, written once."""
