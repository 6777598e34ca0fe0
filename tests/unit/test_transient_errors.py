"""Which failures make an event wait (the database is away) and which count toward the
dead-letter topic (the event cannot be applied)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError

from shipsettle_shared.messaging.consumer import is_transient


class _DriverError(Exception):
    """Stands in for the driver's wrapped error, which carries the SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(cause: BaseException) -> DBAPIError:
    try:
        raise DBAPIError("UPDATE ...", {}, cause) from cause
    except DBAPIError as error:
        return error


def test_a_lost_connection_or_a_restarting_server_is_transient() -> None:
    assert is_transient(ConnectionResetError(104, "Connection reset by peer"))
    assert is_transient(TimeoutError())
    assert is_transient(_wrapped(asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")))
    assert is_transient(_wrapped(_DriverError("57P01")))  # admin shutdown
    assert is_transient(_wrapped(_DriverError("08006")))  # connection failure
    assert is_transient(_wrapped(_DriverError("40P01")))  # deadlock detected
    invalidated = DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    assert is_transient(invalidated)


def test_a_refusal_of_the_event_itself_is_not() -> None:
    check_violation = IntegrityError("INSERT ...", {}, _DriverError("23514"))
    assert not is_transient(check_violation)
    assert not is_transient(ValueError("units the order does not have"))
    assert not is_transient(KeyError("line-9"))
