"""Run the service: ``python -m order_svc`` (migrates, then serves HTTP and runs its loops)."""

from order_svc.bootstrap import DEFINITION
from order_svc.config import load_settings
from shipsettle_shared.service import serve

if __name__ == "__main__":
    serve(DEFINITION, load_settings())
