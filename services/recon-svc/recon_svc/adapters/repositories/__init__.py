"""recon-svc's repositories, one per concern, each over the unit of work's session
(adapters/unit_of_work.py carries them)."""
