"""Run the service: ``python -m refund_svc`` (migrates, then serves HTTP and runs its loops)."""

from refund_svc.bootstrap import DEFINITION
from refund_svc.config import load_settings
from shipsettle_shared.service import serve

if __name__ == "__main__":
    serve(DEFINITION, load_settings())
