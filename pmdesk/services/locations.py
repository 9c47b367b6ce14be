"""Where a library is, as people type it and as pmdesk may remember it.

A library is an SQLite file path or an SQLAlchemy URL such as
`postgresql+psycopg://dana@db.example.com/postmortems`. Passwords are never remembered: the list
of recent libraries keeps a URL without one, and the server's password comes from libpq's own
places (a ~/.pgpass file, the PGPASSWORD or PGPASSFILE environment variables) or is typed again.
"""

from __future__ import annotations

import re

# SQLAlchemy is imported by the functions that parse a URL: the command line and the window name
# SERVER_EXAMPLE without loading it.

SERVER_EXAMPLE = "postgresql+psycopg://user@host/dbname"


class LocationError(ValueError):
    """A typed server address that is not one."""


# "scheme://user:password@" in an address: what `shown` hides.
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^/]*@")


def shown(location: str) -> str:
    """The location as it may be shown (a title bar, a status line): a URL's password masked.
    Needs no SQLAlchemy, so that the window can say what it opens before that is imported."""
    return _PASSWORD_IN_URL.sub(r"\1***@", location) if is_url(location) else location


def is_url(location: str) -> bool:
    return "://" in location


def check_server_url(text: str) -> str:
    """The URL as typed, if it names a PostgreSQL database; LocationError saying what is wrong."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    typed = text.strip()
    if not typed:
        raise LocationError(f"Type the server's address, such as {SERVER_EXAMPLE}.")
    try:
        url = make_url(typed)
    except ArgumentError:
        raise LocationError(
            f"“{typed}” is not a server address. It looks like {SERVER_EXAMPLE}."
        ) from None
    if not url.drivername.startswith("postgresql"):
        raise LocationError(
            f"pmdesk's team libraries live on PostgreSQL: the address starts with "
            f"postgresql+psycopg://, not {url.drivername}://."
        )
    if not url.host or not url.database:
        raise LocationError(f"The address needs a server and a database, as in {SERVER_EXAMPLE}.")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # the driver pmdesk ships with
    return url.render_as_string(hide_password=False)


def with_password(location: str, password: str) -> str:
    """The URL with this password, for one connection; a path, or no password, as it is."""
    if not password or not is_url(location):
        return location
    from sqlalchemy import make_url

    return make_url(location).set(password=password).render_as_string(hide_password=False)


def remembered(location: str) -> str:
    """What the recent-libraries list may keep: a path as it is, a URL without its password."""
    if not is_url(location):
        return location
    from sqlalchemy import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(location)
    except ArgumentError:
        return location
    # URL.set() takes None as "leave it", so the URL is made again without the password.
    bare = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)
