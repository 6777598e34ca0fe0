"""logistics-svc's repositories, one per concern, over the caller's session (carried by
adapters/unit_of_work.py): shipments, scans, known orders, refund holds and settings."""
