"""Gap mining as pure policy (bot/insight/gaps.py): clusters, sizes, ranking, the nearest
entry, candidate answers. A bag-of-words fake encoder stands in for the model."""

from __future__ import annotations

import dataclasses

import pytest

from bot.faq.index import Scoring, build_index
from bot.faq.schema import FaqEntry, KnowledgeBase
from bot.insight.clusters import ClusterSettings
from bot.insight.gaps import GapSettings, mine_gaps
from bot.insight.questions import Source
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.gap_questions import GIFT, NOW, PICKUP, STRAYS, asked

# Bag-of-words vectors need neither language centring nor a projection.
SETTINGS = GapSettings(
    clusters=ClusterSettings(min_cluster_size=3, min_samples=2, center_languages=False, dims=None)
)


def mine(questions, index=None, settings=SETTINGS):
    return mine_gaps(questions, encoder=FakeEncoder(), index=index, now=NOW, settings=settings)


def test_paraphrases_form_one_cluster_each_and_strays_are_left_out() -> None:
    questions = asked(GIFT, prefix="g") + asked(PICKUP, prefix="p") + asked(STRAYS, prefix="s")

    clusters = mine(questions)

    groups = sorted(sorted(m.text for m in c.members) for c in clusters)
    assert groups == sorted([sorted(GIFT), sorted(PICKUP)])


def test_size_counts_conversations_not_questions() -> None:
    questions = asked(GIFT, prefix="g", conversations=2) + asked(PICKUP, prefix="p")

    sizes = {c.medoid.text in GIFT: (c.size, len(c.members)) for c in mine(questions)}

    assert sizes[True] == (2, len(GIFT))
    assert sizes[False] == (len(PICKUP), len(PICKUP))


def test_more_conversations_rank_first_when_equally_recent() -> None:
    questions = asked(PICKUP, prefix="p") + asked(GIFT, prefix="g")

    clusters = mine(questions)

    assert [c.size for c in clusters] == [len(GIFT), len(PICKUP)]
    assert clusters[0].impact > clusters[1].impact


def test_a_recent_cluster_outranks_a_bigger_old_one() -> None:
    old = asked(GIFT, prefix="g", days_ago=60)  # six conversations, two months ago
    fresh = asked(PICKUP, prefix="p", days_ago=1)  # five conversations, yesterday

    clusters = mine(old + fresh)

    assert [c.medoid.text in PICKUP for c in clusters] == [True, False]
    assert clusters[0].last_asked > clusters[1].last_asked


def test_the_half_life_sets_how_much_age_counts() -> None:
    questions = asked(GIFT, prefix="g", days_ago=14) + asked(PICKUP, prefix="p")
    slow = dataclasses.replace(SETTINGS, half_life_days=1000.0)

    assert mine(questions)[0].medoid.text in PICKUP
    assert mine(questions, settings=slow)[0].medoid.text in GIFT


def entry(entry_id: str, question: str, variants: tuple[str, ...] = ()) -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        question={"en": question},
        answer={"en": "An answer."},
        tags=("test",),
        owner="test",
        last_reviewed=NOW.date(),
        source="test.yml",
        variants={"en": variants},
    )


def test_a_cluster_close_to_an_entry_is_a_missing_variant_and_another_a_new_entry() -> None:
    kb = KnowledgeBase(
        {
            "gift-cards": entry("gift-cards", "can I pay with a gift card"),
            "returns": entry("returns", "how do I return an item"),
        }
    )
    index = build_index(kb, encoder=FakeEncoder(), scoring=Scoring(head_weight=0))

    clusters = mine(asked(GIFT, prefix="g") + asked(PICKUP, prefix="p"), index=index)

    nearest = {c.medoid.text in GIFT: c.nearest for c in clusters}
    assert nearest[True] is not None and nearest[True].entry_id == "gift-cards"
    assert nearest[True].similarity >= SETTINGS.variant_similarity
    assert nearest[False] is None


def test_an_index_of_another_encoder_is_refused() -> None:
    kb = KnowledgeBase({"gift-cards": entry("gift-cards", "gift card")})
    index = build_index(kb, encoder=FakeEncoder(dim=64), scoring=Scoring(head_weight=0))

    with pytest.raises(ValueError, match="another encoder"):
        mine(asked(GIFT, prefix="g") + asked(PICKUP, prefix="p"), index=index)


def test_agents_replies_become_candidate_answers_once_each() -> None:
    reply = "Yes: gift cards work at checkout, in the payment step."
    questions = asked(
        GIFT, prefix="g", source=Source.MISSING_KNOWLEDGE, agent_replies=(reply,)
    ) + asked(PICKUP, prefix="p")

    clusters = {c.medoid.text in GIFT: c for c in mine(questions)}

    assert clusters[True].agent_replies == (reply,)
    assert clusters[True].sources == {"missing_knowledge": len(GIFT)}
    assert clusters[False].agent_replies == ()


def test_the_medoid_is_the_most_typical_question_and_examples_are_distinct() -> None:
    questions = asked([*GIFT, GIFT[0]], prefix="g") + asked(PICKUP, prefix="p")

    [cluster] = [c for c in mine(questions) if c.medoid.text in GIFT]

    assert cluster.medoid.text in GIFT
    examples = cluster.examples(10)
    assert examples[0] == cluster.medoid.text
    assert len(examples) == len(set(examples)) == len(GIFT)


def test_too_few_questions_make_no_cluster() -> None:
    assert mine(asked(GIFT[:2], prefix="g")) == []
    assert mine([]) == []


@pytest.mark.parametrize(
    "changes",
    [{"min_cluster_size": 1}, {"min_samples": 0}, {"selection": "nearest"}],
)
def test_cluster_settings_refuse_nonsense(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ClusterSettings(**changes)  # type: ignore[arg-type]


def test_a_small_log_still_groups_its_paraphrases() -> None:
    """Eight questions, six close paraphrases: HDBSCAN alone found nothing in such a log."""
    import numpy as np

    from bot.insight.clusters import NOISE, ClusterSettings, cluster_labels

    rng = np.random.default_rng(7)
    topic, other = rng.normal(size=64), rng.normal(size=64)
    close = [topic + rng.normal(scale=0.25, size=64) for _ in range(6)]
    odd = [other + rng.normal(scale=0.25, size=64), rng.normal(size=64)]
    labels = cluster_labels(
        np.array(close + odd), ["en", "de", "fr", "en", "de", "en", "en", "de"], ClusterSettings()
    )
    assert labels[0] != NOISE and set(labels[:6].tolist()) == {labels[0]}
    assert labels[7] == NOISE
