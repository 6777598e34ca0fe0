"""Simulators of the parties outside ShipSettle (banks, payment providers), run as their own
processes so tests and ``make run`` exercise ShipSettle against real HTTP, real callbacks and
real crashes. Nothing here imports ShipSettle code: a simulator knows only its own API."""
