"""The one shape of an identifier every API takes (an order's, a shipment's, a refund's, a key's,
an approval's ...): a letter or digit, then up to 63 letters, digits and ``_.:-``. Checked at the
edge, so an id can carry no path, query, whitespace or spreadsheet formula into a service."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import Field

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
IDENTIFIER = re.compile(IDENTIFIER_PATTERN)

IdPath = Annotated[str, Path(pattern=IDENTIFIER_PATTERN)]  # an identifier in a route's path
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]  # an identifier in a body
