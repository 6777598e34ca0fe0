"""recon-svc's pure domain (对账): statements, invariants, statement imports and matching. No
framework and no I/O besides parsing the bytes it is handed."""
