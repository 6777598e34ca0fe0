"""Run the service: ``python -m recon_svc`` (migrates, then serves HTTP and runs its loops)."""

from recon_svc.bootstrap import DEFINITION
from recon_svc.config import load_settings
from shipsettle_shared.service import serve

if __name__ == "__main__":
    serve(DEFINITION, load_settings())
