"""What settlement's HTTP routers share: path and body conventions, the merchant scope of a
route, a merchant's rows paged, and the answer of an action that waits for a second ops key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlmodel import col

from shipsettle_shared import four_eyes, four_eyes_routes
from shipsettle_shared.auth import Principal, require_roles
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import snapshot
from shipsettle_shared.pagination import PageRequest, keyset_after


class _MerchantOwned(Protocol):
    merchant_id: str


RowT = TypeVar("RowT", bound=_MerchantOwned)

PlatformOpsAuditor = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.OPS, Role.AUDITOR))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Decision(Strict):
    reason: str = Field(min_length=1, max_length=500)


async def merchant_page(
    request: Request, page: PageRequest, table: type[RowT], merchant_id: str, time_field: str, id_field: str
) -> tuple[list[RowT], str | None]:
    """One page of one merchant's rows of a table, oldest first, keyed by (time, id)."""
    key = (col(getattr(table, time_field)), col(getattr(table, id_field)))
    after = page.after(datetime, str)
    async with snapshot(request.app.state.runtime.sessions) as session:
        query = select(table).where(col(table.merchant_id) == merchant_id)
        position = keyset_after(key, after, descending=False)
        if position is not None:
            query = query.where(position)
        rows = list((await session.execute(query.order_by(*key).limit(page.limit + 1))).scalars())
    return page.page(rows, lambda row: (getattr(row, time_field), getattr(row, id_field)))


def own(principal: Principal, merchant_id: str) -> None:
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)


def proposed(proposal: four_eyes.Proposal, now: datetime) -> JSONResponse:
    """202: the action waits for a second ops key (four eyes)."""
    return JSONResponse(
        four_eyes_routes.proposal_answer(proposal, now),
        status_code=202,
        headers={"Location": f"/v1/approvals/{proposal.approval_id}"},
    )
