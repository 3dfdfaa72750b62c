"""The server's own secrets (db/models/secrets.py): read, or generated once and shared."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from leadbase.core import clock
from leadbase.db.models import server_secret


def shared_secret(engine: Engine, name: str) -> str:
    """The secret stored under `name`, created at random the first time it is asked for.

    Two processes starting together may both try to create it: the primary key lets one win, and
    the other reads the winner's value, so every process signs with the same key.
    """
    lookup = select(server_secret.c.value).where(server_secret.c.name == name)
    with engine.connect() as conn:
        found = conn.execute(lookup).scalar()
    if found is not None:
        return str(found)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(server_secret).values(name=name, value=secrets.token_hex(32), date_created=clock.now())
            )
    except IntegrityError:
        pass
    with engine.connect() as conn:
        return str(conn.execute(lookup).scalar_one())
