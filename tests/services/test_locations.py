"""Library locations as typed and as remembered: a server's password is never kept."""

from __future__ import annotations

import pytest

from pmdesk.services.locations import LocationError, check_server_url, remembered, with_password


def test_a_url_is_remembered_without_its_password() -> None:
    typed = "postgresql+psycopg://dana:s3cret@db.example.com:5432/postmortems"
    kept = remembered(typed)
    assert kept == "postgresql+psycopg://dana@db.example.com:5432/postmortems"
    assert "s3cret" not in kept
    assert remembered("/home/dana/postmortems.pmdesk") == "/home/dana/postmortems.pmdesk"


def test_a_password_is_added_for_one_connection_only() -> None:
    url = "postgresql+psycopg://dana@db.example.com/postmortems"
    assert with_password(url, "p@ss:word") == (
        "postgresql+psycopg://dana:p%40ss%3Aword@db.example.com/postmortems"
    )
    assert with_password(url, "") == url
    assert with_password("/tmp/x.pmdesk", "secret") == "/tmp/x.pmdesk"


def test_a_plain_postgresql_address_gets_the_driver_pmdesk_uses() -> None:
    assert check_server_url("  postgresql://dana@db/pm  ") == "postgresql+psycopg://dana@db/pm"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Type the server's address"),
        ("db.example.com", "is not a server address"),
        ("mysql://dana@db/pm", "PostgreSQL"),
        ("postgresql+psycopg://dana@db", "needs a server and a database"),
        ("sqlite:///tmp/x.pmdesk", "PostgreSQL"),
    ],
)
def test_what_is_not_a_server_address_says_what_is_wrong(typed: str, words: str) -> None:
    with pytest.raises(LocationError, match=words):
        check_server_url(typed)
