"""The surge: a marketplace backend's peak workload driven through all five services, and the
checker that proves nothing was lost, duplicated or paid twice (issue #8).

    python -m surge --orders 300 --start-platform     # own broker, databases, ports
    python -m surge --orders 300 --base-port-offset 10000 --db-suffix _e2e
    python -m surge.check var/surge/<run>.json       # check a finished run again

The driver keeps its own, deliberately simple arithmetic of what every merchant must end with
(``surge.expected``); it never calls ShipSettle's pricing or settlement code.
"""
