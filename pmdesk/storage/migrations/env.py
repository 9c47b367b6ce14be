"""Alembic's entry point for pmdesk: runs migrations on the connection that `migrator` passes in.

There is no alembic.ini: `pmdesk.storage.migrator` builds the configuration in code and always
hands over an open connection, inside the transaction the whole upgrade runs in.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pmdesk.storage.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "pmdesk migrations run only through pmdesk.storage.migrator, which passes a connection"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
