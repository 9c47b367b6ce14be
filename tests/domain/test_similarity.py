"""Similar past incidents, on a small hand-made library."""

from __future__ import annotations

from pmdesk.domain.similarity import Document, similar

CONFIG_PUSH = Document(
    "a",
    "Checkout down after a config push",
    ("config", "checkout"),
    "A config push without a canary took checkout down. The pipeline has no schema validation.",
)
LIBRARY = [
    Document(
        "b",
        "Search down after a config push",
        ("Config", "search"),
        "A config change reached every region at once: the pipeline has no canary stage.",
    ),
    Document(
        "c",
        "Certificate expired on the API gateway",
        ("tls",),
        "Nobody renewed the certificate; no alert watches expiry dates.",
    ),
    Document(
        "d",
        "Checkout slow during the sale",
        ("checkout", "capacity"),
        "The database ran out of connections under sale traffic.",
    ),
    Document("e", "Unrelated", (), "Printer jammed in the office."),
]


def test_the_most_alike_come_first_and_strangers_are_left_out() -> None:
    found = similar(CONFIG_PUSH, LIBRARY)
    assert [m.id for m in found][:2] == ["b", "d"]
    assert "e" not in {m.id for m in found}  # shares no tag and no telling word
    best = found[0]
    assert best.shared_tags == ("config",)  # tags match without case
    assert {"canary", "pipeline"} <= set(best.shared_words)
    assert all(0 < m.score <= 1 for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_a_postmortem_is_never_similar_to_itself_and_the_limit_holds() -> None:
    found = similar(CONFIG_PUSH, [CONFIG_PUSH, *LIBRARY], limit=1)
    assert [m.id for m in found] == ["b"]


def test_common_words_tell_little() -> None:
    # Only stop words and a word every document uses in common: no match from text alone.
    plain = Document("x", "x", (), "the and because because")
    others = [Document("y", "y", (), "the and because because")]
    assert similar(plain, others) == []
