"""The classes of blame issue 23 added, each with its reframing questions.

Every example here is new: none is in the labelled sets, so these check that the rules read the
class, not the sentences they were tuned on. Quiet examples use the same words of systems.
"""

from __future__ import annotations

import pytest

from pmdesk.domain.language import find_blame, find_vagueness
from pmdesk.domain.reframing import BlameClass, deed, gerund_of, questions

PEOPLE = ("Dana Okafor", "Lena Vogel", "Sam Ruiz", "Platform team")

COUNTERFACTUAL = BlameClass.COUNTERFACTUAL


@pytest.mark.parametrize(
    ("text", "kind", "phrase", "question"),
    [
        (
            "If Lena had run the dry-run first, the table would still be there.",
            COUNTERFACTUAL,
            "If Lena had run",
            "What made running the dry-run first hard to see or do at the time?",
        ),
        (
            "Had the on-call engineer escalated at 02:10, we would have saved an hour.",
            COUNTERFACTUAL,
            "Had the on-call engineer escalated",
            "What made escalating at 02:10 hard to see or do at the time?",
        ),
        (
            "If only the reviewer had read the diff, the bug would not have shipped.",
            COUNTERFACTUAL,
            "If only the reviewer had read",
            "What made reading the diff hard to see or do at the time?",
        ),
        (
            "Were the deployer a little more careful, nothing would have broken.",
            COUNTERFACTUAL,
            "Were the deployer a little more careful",
            "What made the right step hard to see or do at the time?",
        ),
        (
            "If Sam hadn't merged on a Friday, the weekend would have been quiet.",
            COUNTERFACTUAL,
            "If Sam hadn't merged",
            "What made not merging on a Friday hard to see or do at the time?",
        ),
        (
            "The on-call took way too long to acknowledge the page.",
            BlameClass.SPEED,
            "The on-call took way too long",
            "What slowed the response down?",
        ),
        (
            "Dana was slow to escalate to the database team.",
            BlameClass.SPEED,
            "Dana was slow to escalate",
            "What slowed the response down?",
        ),
        (
            "An inexperienced operator ran the restore.",
            BlameClass.SKILL,
            "inexperienced operator",
            "Which safeguard relies on experience instead of a check?",
        ),
        (
            "Sam lacked the experience to spot the bad query plan.",
            BlameClass.SKILL,
            "Sam lacked the experience",
            "Which safeguard relies on experience instead of a check?",
        ),
        (
            "The release manager decided to skip the load test.",
            BlameClass.CHOICE,
            "The release manager decided to skip",
            "What made skipping the load test look like the right call at the time?",
        ),
        (
            "Lena decided not to wait for the backup before the migration.",
            BlameClass.CHOICE,
            "Lena decided not to wait",
            "What made not waiting for the backup look like the right call at the time?",
        ),
        (
            "Had Sam not skipped the dry run, the table would still be there.",
            COUNTERFACTUAL,
            "Had Sam not skipped",
            "What made not skipping the dry run hard to see or do at the time?",
        ),
        (
            "Sam pushed the hotfix anyway.",
            BlameClass.CHOICE,
            "Sam pushed the hotfix anyway",
            "What made that choice look like the right call at the time?",
        ),
        (
            "Dana's migration dropped the sessions table.",
            BlameClass.AGENT,
            "Dana's migration dropped",
            "What let the migration through unchecked?",
        ),
        (
            "The SRE's config change took down the EU edge.",
            BlameClass.AGENT,
            "The SRE's config change took down",
            "What let the config change through unchecked?",
        ),
        (
            "It was the DBA's schema change that locked the orders table for ten minutes.",
            BlameClass.AGENT,
            "the DBA's schema change that locked",
            "What let the schema change through unchecked?",
        ),
        (
            "Sam's decision to push on a Friday evening is what took checkout offline.",
            BlameClass.AGENT,
            "Sam's decision to push on a Friday evening is what took checkout offline",
            "What let the decision through unchecked?",
        ),
        (
            "Lena's cleanup script matched every bucket, not just the staging ones.",
            BlameClass.AGENT,
            "Lena's cleanup script matched every bucket",
            "What let the cleanup script through unchecked?",
        ),
        (
            "Sam, working alone that night, forgot to drain the node first.",
            BlameClass.OMISSION,
            "Sam, working alone that night, forgot to drain",
            "What made the step easy to leave out?",
        ),
        (
            "The new on-call is not yet experienced enough to run a failover alone.",
            BlameClass.SKILL,
            "The new on-call is not yet experienced enough",
            "Which safeguard relies on experience instead of a check?",
        ),
        (
            "Dana deployed the schema change despite the change freeze.",
            BlameClass.CHOICE,
            "Dana deployed the schema change despite the change freeze",
            "What were the schedule, the tooling and the team rewarding that day?",
        ),
        (
            "Natalie forgot to rotate the key.",
            BlameClass.OMISSION,
            "Natalie forgot to rotate",
            "What would have reminded someone of rotating the key, or checked that it was done?",
        ),
        (
            "Mrs. Ito skipped the pre-flight checklist.",
            BlameClass.SHORTCUT,
            "Mrs. Ito skipped",
            "What made the pre-flight checklist optional?",
        ),
        (
            "The Release Manager ignored the failing checks.",
            BlameClass.SIGNAL,
            "The Release Manager ignored",
            "What made the signal look safe to set aside at the time?",
        ),
    ],
)
def test_each_class_is_found_with_its_questions(
    text: str, kind: BlameClass, phrase: str, question: str
) -> None:
    hit = find_blame(text, PEOPLE)
    assert hit is not None, text
    assert (hit.kind, hit.phrase) == (kind, phrase)
    assert question in hit.questions
    assert 1 <= len(hit.questions) <= 2


@pytest.mark.parametrize(
    "text",
    [
        # counterfactuals about the system, about knowing, about what was done to people
        "If the linter had rejected duplicate keys, the push would have failed in CI.",
        "Had the replica been in the same zone, failover would have taken seconds.",
        "If we had known about the 10,000-row limit, we would have batched the import.",
        "If the on-call had been paged at the first error, the outage would have been shorter.",
        "If we had had a canary stage, only 2% of traffic would have seen the error.",
        "If the alert had gone to Lena's phone, she would have seen it at once.",
        # speed, skill and choice said of systems, or of people without a verdict
        "The rollback took too long because the image cache was cold.",
        "The replication was too slow to keep up with the write burst.",
        "Junior and senior engineers share one on-call rotation.",
        "The pipeline decided to skip the integration stage because the label was missing.",
        "The retry loop kept going anyway.",
        "Lena decided to roll back at 14:32, and errors stopped by 14:35.",
        "Sam chose the documented failover path.",
        # possessives of systems and vendors, and a change that revealed a latent bug
        "The vendor's certificate rotation broke our TLS handshakes.",
        "The autoscaler's new policy dropped two nodes at peak.",
        "Dana's change exposed a latent bug in the pricing service.",
        # product names with a person word in them, and people in plain facts
        "Secrets Manager relied on a cached value instead of the current one.",
        "Cluster Operator restarted the pods instead of draining them.",
        "The Incident Manager Bot posted the status update twice.",
        "Natalie paged the database team at 02:14.",
        "Dr. Patel confirmed the vendor fix at 09:00.",
        # a person's things that fail nothing, and systems aimed wider than meant
        "Lena's dashboard shows p99 latency instead of p50.",
        "The cleanup job's glob matched every bucket, not just the staging ones.",
        "The scheduler ran the backup at noon instead of midnight.",
        # "one of" a system's parts is that part, not the pronoun "one"
        "One of the transit gateways between the two networks did not scale up fast enough.",
    ],
)
def test_the_same_words_of_systems_are_quiet(text: str) -> None:
    assert find_blame(text, PEOPLE) is None


def test_every_class_has_questions_with_and_without_a_deed() -> None:
    for kind in BlameClass:
        plain = questions(kind)
        named = questions(kind, "checking the lag")
        assert 1 <= len(plain) <= 2 and all(q.endswith("?") for q in plain + named)
        assert not any("{" in q for q in plain + named), kind
        assert kind.label


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("checked", "checking"),
        ("noticed", "noticing"),
        ("stopped", "stopping"),
        ("verified", "verifying"),
        ("agreed", "agreeing"),
        ("proceeded", "proceeding"),
        ("ran", "running"),
        ("read", "reading"),
        ("skip", "skipping"),
        ("forget", "forgetting"),
        ("testing", "testing"),
    ],
)
def test_deeds_are_said_as_gerunds(word: str, expected: str) -> None:
    assert gerund_of(word) == expected


def test_a_deed_stops_where_its_clause_does() -> None:
    assert deed("checked the replication lag, the failover would") == "checking the replication lag"
    assert deed("to skip the canary stage because") == "skipping the canary stage"
    assert deed("been paying attention") == ""


@pytest.mark.parametrize(
    ("title", "vague"),
    [
        ("Keep a closer watch on the error budget", True),
        ("Monitor p99 latency more carefully after deploys", True),
        ("Set up a sync with the storage team about quotas", True),
        ("Have a chat with the mobile team about retries", True),
        ("Touch base with security on the key rotation", True),
        ("Train the team", True),
        ("Train engineers on monitoring by Q2", True),
        (
            "Train all six payments on-call engineers on the new failover runbook by 2027-04-30",
            False,
        ),
        (
            "Educate every new SRE hire on the deploy CLI's --dry-run flag before their first "
            "on-call shift in March",
            False,
        ),
        ("Monitor the checkout error rate with a 2% alert for 5 minutes", False),
        ("Ask Stripe support to confirm the webhook retry schedule in writing by Friday", False),
        ("Remind engineers to check the dashboards", True),
    ],
)
def test_watching_talking_and_training(title: str, vague: bool) -> None:
    assert (find_vagueness(title) is not None) == vague


def test_watching_and_talking_say_what_they_miss() -> None:
    watch = find_vagueness("Keep a closer eye on replication lag")
    talk = find_vagueness("Set up a meeting with the DBA team")
    assert watch is not None and "watch harder" in watch.message
    assert talk is not None and "conversation" in talk.message
