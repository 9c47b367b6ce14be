"""Runs pmdesk's Alembic migrations from code: which revisions exist, which one a library is at,
stamping a new library and upgrading an old one. No alembic.ini is needed at run time.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from pmdesk.storage.engine import for_writing, set_sqlite_foreign_keys

MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """The configuration `alembic.command` functions take; env.py uses `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None, "pmdesk ships at least one migration"
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in script_directory().walk_revisions())


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def stamp_head(conn: Connection) -> None:
    """Record a library just made with `create_all` as being at the newest revision."""
    MigrationContext.configure(conn).stamp(script_directory(), "head")


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the library to `target` in one transaction: every step lands, or none does."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys
            # on, that DROP would cascade and delete every row that refers to the table.
            set_sqlite_foreign_keys(conn, enabled=False)
        try:
            with for_writing(conn).begin():
                command.upgrade(alembic_config(conn), target)
                if sqlite:
                    _check_foreign_keys(conn)
        finally:
            if sqlite:
                set_sqlite_foreign_keys(conn, enabled=True)


def _check_foreign_keys(conn: Connection) -> None:
    """With enforcement off during the upgrade, check by hand before committing."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"a migration left rows with broken foreign keys: {broken[:5]}")
