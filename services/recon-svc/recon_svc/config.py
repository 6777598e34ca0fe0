"""recon-svc settings: the shared settings plus how long the live invariant checker waits for
events still in flight between topics before it judges an order."""

from shipsettle_shared.settings import ServiceSettings, load_settings_or_exit


class ReconSettings(ServiceSettings):
    # Topics are not ordered with each other: a refund can reach recon before the ledger entry
    # that reverses it. An order is judged this long after its latest event.
    invariant_grace_s: float = 30.0
    # A hold not released this long after its policy date is a violation.
    settlement_window_slack_s: int = 3600


def load_settings() -> ReconSettings:
    return load_settings_or_exit(ReconSettings, "recon-svc")
