"""Where postmortems are kept: one SQLite file, or one database on a PostgreSQL server, per library.

- `library`: `open_library()` and the open `Library` (transactions, read connections).
- `repository`: whole postmortems in and out, as functions on a Connection.
- `errors`: `LibraryError`, the environment's faults told to a person.
- `schema`, `migrations/`, `migrator`: the tables and how a library gets to the newest ones.
- `search`, `search_postgres`: full-text search, with FTS5 on SQLite and tsvector on PostgreSQL.
- `engine`, `sqlite_file`, `values`: connection set-up, file checks, stored forms of values.
- `default_location`: where the library lives when none is named (imports only platformdirs).
- `held_files`: the library files this process has open, kept from any descriptor but SQLite's,
  and a hold on them lost anyway noticed and mended.

Import the modules themselves: the package imports nothing, so that using one module does not
import the others (Alembic alone takes 0.3 s to import, and is needed only to create or upgrade).
"""
