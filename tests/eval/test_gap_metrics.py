"""The clustering figures of the gap-mining benchmark (bot/eval/gap_metrics.py), on
clusterings small enough to check by hand."""

from __future__ import annotations

import pytest

from bot.eval import gap_metrics as gm

TRUTH = ["a", "a", "a", "a", "b", "b", "b", "c"]


def test_purity_counts_clustered_questions_only() -> None:
    clusters = [0, 0, 0, 1, 1, 1, -1, -1]
    # cluster 0: a a a; cluster 1: a b b -> 5 of 6 are their cluster's majority
    assert gm.purity(TRUTH, clusters) == pytest.approx(5 / 6)
    assert gm.purity(TRUTH, [-1] * 8) == 0.0


def test_left_out_questions_are_singletons_for_the_rand_index() -> None:
    assert gm.singletons([0, -1, 1, -1]) == [0, 2, 1, 3]
    assert gm.adjusted_rand(TRUTH, [0, 0, 0, 0, 1, 1, 1, 2]) == pytest.approx(1.0)
    assert gm.adjusted_rand(TRUTH, [-1] * 8) == pytest.approx(0.0)


def test_an_intent_is_recovered_by_a_cluster_it_leads_holding_half_of_it() -> None:
    # cluster 0 = a a c: a leads it with 2 of its 4; cluster 1 = b b: 2 of b's 3;
    # c's one question is in a cluster a leads
    clusters = [0, 0, -1, -1, 1, 1, -1, 0]
    assert gm.recovered(TRUTH, clusters, ["a", "b", "c"]) == ["a", "b"]
    assert gm.recovered(TRUTH, [0, -1, -1, -1, 1, 1, -1, -1], ["a"]) == []


def test_two_languages_land_in_one_cluster_when_their_main_clusters_agree() -> None:
    truth = ["a"] * 6 + ["b"] * 4
    languages = ["en", "en", "en", "ar", "ar", "ar", "en", "en", "ar", "ar"]
    clusters = [0, 0, 1, 0, 0, -1, 2, 2, 3, 3]

    merged, strict = gm.languages_merged(truth, languages, clusters, ["a", "b"], ("en", "ar"))

    assert merged == ["a"]  # b's English and Arabic halves are in different clusters
    assert strict == ["a"]  # a: 2 of 3 English and 2 of 3 Arabic in cluster 0
    merged, strict = gm.languages_merged(
        truth, languages, [0, 1, 2, 0, -1, -1, 2, 2, 2, 2], ["a"], ("en", "ar")
    )
    assert merged == ["a"] and strict == []  # one Arabic question of three in cluster 0
