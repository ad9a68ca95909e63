"""Which questions belong together: HDBSCAN over sentence vectors. Pure.

The vectors come from the FAQ's multilingual encoder, so the same question asked in two
languages lies close by. Three steps bring them closer still before clustering:

- *language centring*: each language's mean vector is subtracted from that language's
  questions (where a language has enough of them), which removes what the encoder puts
  into every sentence of a language and keeps what the sentence says;
- *paraphrase whitening*, learnt from the knowledge base: the directions in which the
  phrasings of one entry differ from each other (wording, and language where an entry
  is written in several) are shrunk, those that tell entries apart are kept
  (within-class covariance normalisation, :func:`paraphrase_whitening`);
- *projection* onto the leading principal directions of the batch, where density, which
  HDBSCAN reads, is better estimated than in several hundred dimensions.

Vectors are unit length after each step, so the Euclidean distance HDBSCAN uses orders
pairs exactly as the cosine does. The defaults were chosen on a calibration split of
BANKING77 (``bench/gap_mining.py``), never on the split it reports.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.faq.encoders.base import normalise

NOISE = -1


@dataclass(frozen=True)
class ClusterSettings:
    """How questions are grouped.

    Attributes:
        min_cluster_size: HDBSCAN's smallest group worth suggesting...
        min_cluster_share: ...or this share of all the questions, if that is more.
        min_samples: HDBSCAN's density smoothing (None: ``min_cluster_size``).
        selection: ``eom`` (HDBSCAN's default: stable, larger clusters) or ``leaf`` (the
            finest clusters of the hierarchy).
        epsilon: clusters closer than this (Euclidean on unit vectors) are not split.
        center_languages: subtract each language's mean vector first.
        min_language_count: a language with fewer questions is centred on the batch mean.
        dims: project onto this many principal directions (None or 0: keep them all).
        linkage_distance: for a log too small for HDBSCAN to find anything, average
            linkage at this cosine distance (the benchmark's linkage baseline, chosen on
            its calibration split).
        whitening: the ridge of paraphrase whitening (0: none).
    """

    min_cluster_size: int = 4
    min_cluster_share: float = 0.0125
    min_samples: int | None = 1
    selection: str = "leaf"
    epsilon: float = 0.0
    center_languages: bool = True
    min_language_count: int = 20
    dims: int | None = 32
    linkage_distance: float = 0.3
    whitening: float = 0.01

    def smallest(self, count: int) -> int:
        """The smallest cluster among ``count`` questions."""
        return max(self.min_cluster_size, math.ceil(self.min_cluster_share * count))

    def __post_init__(self) -> None:
        if self.min_cluster_size < 2:
            raise ValueError("min_cluster_size must be at least 2")
        if self.min_samples is not None and self.min_samples < 1:
            raise ValueError("min_samples must be at least 1")
        if self.selection not in ("eom", "leaf"):
            raise ValueError("selection must be 'eom' or 'leaf'")


def paraphrase_whitening(vectors: np.ndarray, starts: np.ndarray, ridge: float) -> np.ndarray:
    """The matrix that whitens the spread of phrasings around their entry's mean.

    ``vectors`` are a knowledge base's phrasings grouped by entry, ``starts[i]`` the first
    row of entry ``i`` (as :class:`bot.faq.index.FaqIndex` keeps them). ``ridge`` keeps
    directions no entry varies in from being blown up.
    """
    rows = normalise(vectors).astype(np.float64)
    bounds = [*np.asarray(starts).tolist(), len(rows)]
    spread = np.zeros((rows.shape[1], rows.shape[1]))
    for start, stop in itertools.pairwise(bounds):
        block = rows[start:stop] - rows[start:stop].mean(axis=0)
        spread += block.T @ block
    spread /= max(len(rows), 1)
    values, basis = np.linalg.eigh(spread)
    return np.asarray((basis / np.sqrt(np.clip(values, 0, None) + ridge)) @ basis.T)


def prepare(
    vectors: np.ndarray,
    languages: Sequence[str],
    settings: ClusterSettings,
    *,
    whitening: np.ndarray | None = None,
) -> np.ndarray:
    """The space clustering runs in: centred per language, whitened, projected, unit
    length."""
    space = normalise(vectors).astype(np.float64)
    if len(space) == 0:
        return space
    if settings.center_languages:
        space = _centred(space, np.asarray(languages), settings.min_language_count)
    if whitening is not None:
        space = normalise(space @ whitening).astype(np.float64)
    if settings.dims and settings.dims < min(space.shape):
        centred = space - space.mean(axis=0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        space = centred @ components[: settings.dims].T
    return normalise(space).astype(np.float64)


def _centred(space: np.ndarray, languages: np.ndarray, min_count: int) -> np.ndarray:
    overall = space.mean(axis=0)
    out = space - overall
    for language in np.unique(languages):
        mask = languages == language
        if mask.sum() >= min_count:
            out[mask] = space[mask] - space[mask].mean(axis=0)
    return out


def cluster_labels(
    vectors: np.ndarray,
    languages: Sequence[str],
    settings: ClusterSettings,
    *,
    whitening: np.ndarray | None = None,
) -> np.ndarray:
    """A cluster number per question, or :data:`NOISE` for one that fits no group.

    ``whitening``: from :func:`paraphrase_whitening`, or None to cluster without it.
    """
    count = len(vectors)
    smallest = settings.smallest(count)
    if count < max(smallest, 3):
        return np.full(count, NOISE, dtype=np.intp)
    import hdbscan

    space = prepare(vectors, languages, settings, whitening=whitening)

    model = hdbscan.HDBSCAN(
        min_cluster_size=smallest,
        min_samples=settings.min_samples,
        cluster_selection_method=settings.selection,
        cluster_selection_epsilon=settings.epsilon,
        metric="euclidean",
        core_dist_n_jobs=1,
    )
    labels = np.asarray(model.fit_predict(space), dtype=np.intp)
    if (labels == NOISE).all():
        # A small log (six customers asking about crypto, two odd questions): HDBSCAN
        # finds no density structure in a handful of points and would suggest nothing.
        # Average linkage at a fixed distance still groups close paraphrases, on the
        # plain vectors: centring on a handful of questions pulls paraphrases apart.
        labels = _linkage(
            normalise(vectors).astype(np.float64), settings.linkage_distance, smallest
        )
    return labels


def _linkage(space: np.ndarray, distance: float, smallest: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(space, method="average", metric="cosine")
    flat = fcluster(tree, t=distance, criterion="distance")
    sizes = np.bincount(flat)
    labels = np.full(len(space), NOISE, dtype=np.intp)
    for number, group in enumerate(g for g in np.unique(flat) if sizes[g] >= smallest):
        labels[flat == group] = number
    return labels
