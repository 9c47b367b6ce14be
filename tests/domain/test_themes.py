"""Theme suggestions for systemic causes.

The labelled causes in `theme_texts` judge the suggester as a whole (precision and recall); the
examples below pin down what a suggestion says and how it behaves on odd input and on a library's
own themes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.domain.theme_suggestion import ThemeSuggestion, suggest_themes
from pmdesk.domain.themes import DEFAULT_THEMES, Theme
from tests.domain.measure_themes import measure
from tests.domain.theme_texts import CAUSES, LATER_CAUSES

DEFAULT_NAMES = {theme.name for theme in DEFAULT_THEMES}


def themes_of(text: str, themes: tuple[Theme, ...] = DEFAULT_THEMES) -> list[str]:
    return [suggestion.theme for suggestion in suggest_themes(text, themes)]


# ---- the labelled causes ----------------------------------------------------------------------


def test_the_labels_name_default_themes() -> None:
    for text, labels in (*CAUSES, *LATER_CAUSES):
        assert labels <= DEFAULT_NAMES, text
    assert len(CAUSES) >= 70


def test_precision_and_recall_on_the_labelled_causes() -> None:
    result = measure(CAUSES)
    assert result.overall.precision >= 0.9, result.mistakes
    assert result.overall.recall >= 0.7, result.mistakes


def test_precision_holds_on_the_causes_written_later() -> None:
    result = measure(LATER_CAUSES)
    assert result.overall.precision >= 0.9, result.mistakes
    assert result.overall.recall >= 0.6, result.mistakes


# ---- what a suggestion says -------------------------------------------------------------------


def test_a_suggestion_names_the_words_as_written_in_text_order() -> None:
    [suggestion] = suggest_themes("Rollouts skip the Canary stage; there is no canary for workers.")
    assert suggestion == ThemeSuggestion(
        "Change management",
        ("Rollouts", "Canary", "no canary"),
        "Suggested for \u201cRollouts\u201d, \u201cCanary\u201d, \u201cno canary\u201d",
    )


def test_inflections_meet() -> None:
    for text in (
        "The payload is never validated.",
        "Nothing validates the payload.",
        "The payload has no validation.",
    ):
        assert themes_of(text) == ["Validation and testing"], text
    for text in ("The alerts were muted.", "Alerting covers only the API.", "No alert fired."):
        assert themes_of(text) == ["Detection and alerting"], text


def test_a_phrase_counts_instead_of_its_words() -> None:
    [suggestion] = suggest_themes("The connection pool was too small for the batch job.")
    assert suggestion.theme == "Capacity and limits"
    assert suggestion.words == ("connection pool",)
    assert themes_of("A single point of failure: the one etcd cluster.") == [
        "Dependencies and blast radius"
    ]


def test_a_missing_safeguard_names_its_theme() -> None:
    [suggestion] = suggest_themes("There was no canary.")
    assert suggestion.theme == "Change management"
    assert suggestion.words == ("no canary",)
    assert themes_of("Nothing checks the field lengths.") == ["Validation and testing"]
    assert themes_of("No team owns the gateway.") == ["Knowledge and runbooks"]


def test_words_used_in_another_sense_suggest_nothing() -> None:
    assert themes_of("The load balancer dropped idle sockets after the gRPC deadline.") == []
    assert themes_of("The status page was updated late.") == []


def test_two_themes_when_both_are_well_supported() -> None:
    assert themes_of("The disk-usage alert fired only at 98%, leaving no headroom.") == [
        "Capacity and limits",  # "disk", "no headroom"
        "Detection and alerting",  # "alert", "fired"
    ]


def test_one_stray_word_adds_no_second_theme() -> None:
    assert themes_of("There is no canary stage for the shared worker fleet.") == [
        "Change management"
    ]


def test_the_limit_is_respected() -> None:
    text = (
        "No canary, no schema validation, no alert, no quota, a single point of failure, "
        "no runbook and an engineer working alone to a deadline."
    )
    assert len(suggest_themes(text, limit=7)) == 7
    assert len(suggest_themes(text)) == 2
    assert len(suggest_themes(text, limit=1)) == 1
    assert suggest_themes(text, limit=0) == ()
    assert suggest_themes(text, limit=-3) == ()


def test_a_cause_without_a_cue_gets_nothing() -> None:
    assert suggest_themes("The clocks on the ledger hosts drift because NTP was never set.") == ()
    assert suggest_themes("") == ()
    assert suggest_themes("   \n\t ") == ()
    assert suggest_themes("!!! ??? 42") == ()


# ---- a library's own themes -------------------------------------------------------------------


SECURITY = Theme("Security and access", "Secrets, credentials, permissions, access control.")


def test_an_added_theme_is_cued_by_its_name_and_description() -> None:
    themes = (*DEFAULT_THEMES, SECURITY)
    [suggestion] = suggest_themes("Secrets are kept in plain text in the CI variables.", themes)
    assert suggestion.theme == "Security and access"
    assert suggestion.words == ("Secrets",)
    assert themes_of("Access control for the admin panel is per team.", themes) == [
        "Security and access"
    ]
    assert themes_of("The deploy key had admin permissions on every repository.", themes) == [
        "Security and access"
    ]


def test_a_lone_description_word_inside_a_longer_item_is_not_enough() -> None:
    themes = (Theme("Vendors", "Contracts and the support they promise us."),)
    assert suggest_themes("The support rota was thin.", themes) == ()
    assert themes_of("Our vendors changed the API without notice.", themes) == ["Vendors"]


def test_a_renamed_default_theme_uses_its_own_words() -> None:
    renamed = Theme("Release process", DEFAULT_THEMES[0].description)
    themes = (renamed, *DEFAULT_THEMES[1:])
    assert themes_of("Canaries are skipped for config changes.", themes) == ["Release process"]
    # Without the lexicon, a cue the description does not list is not known.
    assert themes_of("Hotfixes skip the queue.", themes) == []


def test_a_default_name_keeps_its_knowledge_whatever_its_case() -> None:
    themes = (Theme("change  MANAGEMENT", "Ours."),)
    assert themes_of("Hotfixes go out without a canary.", themes) == ["change  MANAGEMENT"]


def test_no_themes_no_suggestions() -> None:
    assert suggest_themes("There was no canary.", ()) == ()
    assert suggest_themes("There was no canary.", [Theme("", "")]) == ()


# ---- never raises -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.text(),
    st.lists(st.builds(Theme, st.text(max_size=30), st.text(max_size=80)), max_size=4),
    st.integers(-2, 9),
)
def test_any_text_and_any_themes_never_raise(text: str, themes: list[Theme], limit: int) -> None:
    for suggestions in (
        suggest_themes(text, limit=limit),
        suggest_themes(text, themes, limit=limit),
    ):
        assert len(suggestions) <= max(limit, 0)
        for suggestion in suggestions:
            assert suggestion.words
            assert all(word in text for word in suggestion.words)


def test_odd_input_gets_nothing_rather_than_an_error() -> None:
    assert suggest_themes(None) == ()  # type: ignore[arg-type]
    assert suggest_themes("no canary", None) == ()  # type: ignore[arg-type]
    assert suggest_themes("no canary", [object()]) == ()  # type: ignore[list-item]
    assert suggest_themes("\ud800 no canary \x00")[0].words == ("no canary",)
