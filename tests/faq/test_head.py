import numpy as np

from bot.faq.head import fit_ridge_head


def clusters(rng: np.random.Generator, centres: int, per_centre: int, dim: int = 32):
    centre_vectors = rng.normal(size=(centres, dim))
    rows = np.repeat(np.arange(centres), per_centre)
    vectors = centre_vectors[rows] + 0.3 * rng.normal(size=(len(rows), dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), rows, centre_vectors


def test_the_head_recognises_unseen_members_of_each_entry() -> None:
    rng = np.random.default_rng(0)
    vectors, owners, centres = clusters(rng, centres=5, per_centre=6)

    head = fit_ridge_head(vectors, owners, 5, ridge=0.1)

    assert head is not None
    unseen = centres[owners] + 0.3 * rng.normal(size=(len(owners), centres.shape[1]))
    unseen /= np.linalg.norm(unseen, axis=1, keepdims=True)
    predicted = np.array([int(np.argmax(head.scores(v))) for v in unseen])
    assert (predicted == owners).mean() > 0.9
    typical = head.scores(vectors[0])
    assert typical[owners[0]] > 0.5 > np.delete(typical, owners[0]).max()


def test_a_larger_penalty_shrinks_the_scores() -> None:
    vectors, owners, _ = clusters(np.random.default_rng(1), centres=3, per_centre=4)

    sharp = fit_ridge_head(vectors, owners, 3, ridge=0.01)
    smooth = fit_ridge_head(vectors, owners, 3, ridge=100.0)

    assert sharp is not None and smooth is not None
    assert np.abs(smooth.scores(vectors[0])).max() < np.abs(sharp.scores(vectors[0])).max()


def test_one_entry_needs_no_head() -> None:
    vectors = np.eye(4, dtype=np.float32)

    assert fit_ridge_head(vectors, np.zeros(4, dtype=int), 1, ridge=0.1) is None
