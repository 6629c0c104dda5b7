"""Records an account owns, one table each: the shape named transformations
(`library/named_transformations.py`) and saved extensions (`extensions/saved.py`) share.

Every row has an ``account_id``; every query here is limited to one account, so one account
never reads, changes or deletes another's record. The feature module keeps what is its own: the
record type, the checks of its fields, and which columns identify a record (an id, a name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

R = TypeVar("R")


def now() -> datetime:
    """The ``created_at``/``updated_at`` of a change."""
    return datetime.now(timezone.utc)


class AccountRecords(Generic[R]):
    """``table``'s rows of one account as ``R`` (made by ``from_row``), listed in ``order_by``.

    ``key`` names the columns that pick one record (``id="..."``, ``name="..."``).
    """

    def __init__(
        self,
        table: sa.Table,
        from_row: Callable[[Any], R],
        order_by: Sequence[sa.ColumnElement[Any]],
    ) -> None:
        self.table = table
        self.from_row = from_row
        self.order_by = tuple(order_by)

    def _where(self, account_id: str, key: dict[str, object]) -> list[sa.ColumnElement[bool]]:
        columns = self.table.c
        return [columns.account_id == account_id, *(columns[k] == v for k, v in key.items())]

    def find(self, conn: sa.Connection, account_id: str, **key: object) -> R | None:
        row = conn.execute(sa.select(self.table).where(*self._where(account_id, key))).first()
        return None if row is None else self.from_row(row)

    def list_all(self, conn: sa.Connection, account_id: str) -> list[R]:
        rows = conn.execute(
            sa.select(self.table)
            .where(self.table.c.account_id == account_id)
            .order_by(*self.order_by)
        )
        return [self.from_row(row) for row in rows]

    def count(self, conn: sa.Connection, account_id: str) -> int:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(self.table.c.account_id == account_id)
            ).scalar_one()
        )

    def insert(self, conn: sa.Connection, account_id: str, values: dict[str, Any]) -> None:
        conn.execute(self.table.insert().values(account_id=account_id, **values))

    def update(
        self, conn: sa.Connection, account_id: str, values: dict[str, Any], **key: object
    ) -> None:
        conn.execute(self.table.update().where(*self._where(account_id, key)).values(**values))

    def delete(self, conn: sa.Connection, account_id: str, **key: object) -> bool:
        """Whether a record was there to delete."""
        result = conn.execute(self.table.delete().where(*self._where(account_id, key)))
        return bool(result.rowcount)
