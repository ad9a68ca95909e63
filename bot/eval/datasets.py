"""Loaders that turn the public evaluation datasets into labelled text sets.

Every loader returns an :class:`EvalSet`: a knowledge base of labelled variants (one label per
FAQ entry), the customer queries to answer, and a held-out calibration set for choosing
thresholds. Calibration rows never come from a test split and never repeat a knowledge-base
text, so a threshold chosen on them can be reported on the queries honestly.

The datasets live outside the repository (``../shared/datasets`` by default, or the
``datasets_dir`` setting); callers always pass that folder as ``root``. Nothing is read at
import time and no module-level state is kept.

Texts are whitespace-normalised (stripped, runs of whitespace collapsed to one space) because
some source files wrap queries in stray newlines. Out-of-scope queries carry the label
:data:`OOS`.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OOS = "oos"
"""The label of an out-of-scope query: the knowledge base has no answer for it."""

CALIBRATION_PER_INTENT = 3
"""How many BANKING77 train rows per intent are held out for calibration."""

_CSV_HEADER = ["text", "label"]
_ARABIC_DIALECTS = ("MSA", "PAL")
_CONLL_COMMENT = re.compile(r"^#\s*([\w-]+)\s*[=:]\s?(.*)$")


@dataclass(frozen=True)
class LabelledText:
    """One text with its label.

    Attributes:
        text: The utterance, whitespace-normalised.
        label: The knowledge-base entry id it belongs to, or ``"oos"`` for out-of-scope.
    """

    text: str
    label: str


@dataclass(frozen=True)
class EvalSet:
    """A knowledge base, the queries to answer against it, and a calibration split.

    Attributes:
        name: A short description of what was loaded, parameters included.
        kb: Knowledge-base variants; the label is the entry id.
        queries: Customer queries; the label is an entry id or ``"oos"``.
        calibration: Held-out queries for choosing thresholds; never taken from a test split
            and disjoint from ``kb``. May be empty.
        answers: Answer texts by label, where the dataset has them (answer matching).
    """

    name: str
    kb: list[LabelledText]
    queries: list[LabelledText]
    calibration: list[LabelledText]
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def kb_labels(self) -> list[str]:
        """The distinct knowledge-base labels, sorted."""
        return sorted({row.label for row in self.kb})


# --------------------------------------------------------------------------- the CSV format


def read_csv(path: Path) -> list[LabelledText]:
    """Read a ``text,label`` CSV file.

    The first row must be the header ``text,label``. Blank lines are skipped; every other row
    must have exactly two fields and a non-empty label. Texts are returned as written.

    Args:
        path: The CSV file (UTF-8, an optional byte-order mark is ignored).

    Returns:
        The rows in file order.

    Raises:
        ValueError: The header is missing or wrong, or a row is malformed; the message names
            the file and the line where the row starts.
    """
    path = Path(path)
    rows: list[LabelledText] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        header_seen = False
        try:
            for record in reader:
                line, start = start, reader.line_num + 1
                if not header_seen:
                    if [field.strip() for field in record] != _CSV_HEADER:
                        raise ValueError(
                            f"{path}, line {line}: expected the header 'text,label', "
                            f"found {record!r}"
                        )
                    header_seen = True
                    continue
                if not record:
                    continue
                if len(record) != 2:
                    raise ValueError(
                        f"{path}, line {line}: expected 2 fields (text,label), "
                        f"found {len(record)}: {record!r}"
                    )
                text, label = record
                if not label.strip():
                    raise ValueError(f"{path}, line {line}: the label is empty")
                rows.append(LabelledText(text=text, label=label.strip()))
        except csv.Error as error:
            raise ValueError(f"{path}, line {reader.line_num}: {error}") from error
    if not header_seen:
        raise ValueError(f"{path}, line 1: the file is empty; expected the header 'text,label'")
    return rows


def write_csv(path: Path, rows: Iterable[LabelledText]) -> None:
    """Write rows as a ``text,label`` CSV file that :func:`read_csv` reads back.

    Args:
        path: The file to create or replace; missing parent folders are created.
        rows: The rows to write, in order.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_CSV_HEADER)
        for row in rows:
            writer.writerow([row.text, row.label])


# --------------------------------------------------------------------------- helpers


def _clean(text: str) -> str:
    """Strip a text and collapse its whitespace runs to single spaces."""
    return " ".join(text.split())


def _require(path: Path) -> Path:
    """Return ``path`` if it exists, else raise a FileNotFoundError that names it."""
    if not path.exists():
        raise FileNotFoundError(f"dataset file not found: {path}")
    return path


def _read_columns(path: Path, text_column: str, label_column: str) -> list[LabelledText]:
    """Read a CSV file with a header, taking two named columns.

    Args:
        path: The CSV file.
        text_column: The column holding the text.
        label_column: The column holding the label.

    Returns:
        The rows with cleaned texts; rows whose text is blank are dropped.

    Raises:
        ValueError: A column is missing or a row has no value for one.
    """
    rows: list[LabelledText] = []
    with _require(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        for record in reader:
            text, label = record.get(text_column), record.get(label_column)
            if text is None or label is None:
                raise ValueError(f"{path}, line {reader.line_num}: the row is too short")
            if _clean(text):
                rows.append(LabelledText(text=_clean(text), label=label.strip()))
    return rows


def _read_lines(path: Path) -> list[str]:
    """Read a text file's lines without their line ends."""
    return _require(path).read_text(encoding="utf-8").splitlines()


def _read_seq_split(folder: Path, label: str | None = None) -> list[LabelledText]:
    """Read a ``seq.in`` + ``label`` split folder (the Few-Shot-Intent-Detection layout).

    Args:
        folder: The split folder holding ``seq.in`` and ``label``.
        label: If given, every row gets this label instead of the one in the file.

    Returns:
        One row per line.

    Raises:
        ValueError: The two files have different numbers of lines.
    """
    texts = _read_lines(folder / "seq.in")
    labels = _read_lines(folder / "label")
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: seq.in has {len(texts)} lines but label has {len(labels)}")
    return [
        LabelledText(text=_clean(text), label=label if label is not None else lab.strip())
        for text, lab in zip(texts, labels, strict=True)
        if _clean(text)
    ]


def _group(rows: Iterable[LabelledText]) -> dict[str, list[LabelledText]]:
    """Group rows by label, dropping repeated texts (case-insensitive) after the first."""
    groups: dict[str, list[LabelledText]] = {}
    seen: set[str] = set()
    for row in rows:
        key = row.text.casefold()
        if key in seen:
            continue
        seen.add(key)
        groups.setdefault(row.label, []).append(row)
    return groups


def _split_train(
    rows: Sequence[LabelledText], k: int | None, seed: int, holdout: int
) -> tuple[list[LabelledText], list[LabelledText]]:
    """Hold out a calibration sample per label, then sample the knowledge base from the rest.

    Labels are visited in sorted order with one ``random.Random(seed)``, first to draw every
    label's held-out rows and then to draw the kb rows, so the calibration split does not
    depend on ``k``. Repeated texts are dropped first so the two parts share no text.

    Args:
        rows: The training rows.
        k: Knowledge-base rows per label; ``None`` keeps all remaining rows. A label with
            fewer remaining rows than ``k`` keeps all of them.
        seed: The sampling seed.
        holdout: Calibration rows per label (0 for none).

    Returns:
        ``(kb, calibration)``, each ordered by label and then by original order.

    Raises:
        ValueError: ``k`` is below 1 or ``holdout`` is negative.
    """
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1 or None, got {k}")
    if holdout < 0:
        raise ValueError(f"holdout must not be negative, got {holdout}")
    rng = random.Random(seed)
    groups = _group(rows)
    labels = sorted(groups)
    held: dict[str, set[int]] = {}
    for label in labels:
        size = len(groups[label])
        held[label] = set(rng.sample(range(size), min(holdout, size - 1)))
    kb: list[LabelledText] = []
    calibration: list[LabelledText] = []
    for label in labels:
        group = groups[label]
        rest = [i for i in range(len(group)) if i not in held[label]]
        chosen = set(rest) if k is None or k >= len(rest) else set(rng.sample(rest, k))
        kb.extend(group[i] for i in sorted(chosen))
        calibration.extend(group[i] for i in sorted(held[label]))
    return kb, calibration


def _banking77_train(root: Path) -> list[LabelledText]:
    """Read BANKING77's train split."""
    return _read_columns(Path(root) / "banking77" / "train.csv", "text", "category")


def _k_name(k: int | None) -> str:
    """Describe a per-intent sample size for an :attr:`EvalSet.name`."""
    return "all" if k is None else str(k)


# --------------------------------------------------------------------------- BANKING77


def banking77(root: Path, k: int | None, seed: int = 13) -> EvalSet:
    """BANKING77 as FAQ retrieval: each of the 77 intents is one knowledge-base entry.

    Three train rows per intent are held out for calibration first (sampled with ``seed``);
    the knowledge base is then ``k`` of the remaining rows per intent. The queries are the
    whole test split (3,080 rows).

    Args:
        root: The datasets folder (holding ``banking77/``).
        k: Variants per intent in the knowledge base; ``None`` keeps every non-held-out row.
        seed: Seed of the ``random.Random`` that samples both the holdout and the kb.

    Returns:
        The evaluation set, named like ``banking77(k=10,seed=13)``.
    """
    root = Path(root)
    kb, calibration = _split_train(_banking77_train(root), k, seed, CALIBRATION_PER_INTENT)
    queries = _read_columns(root / "banking77" / "test.csv", "text", "category")
    return EvalSet(
        name=f"banking77(k={_k_name(k)},seed={seed})",
        kb=kb,
        queries=queries,
        calibration=calibration,
    )


def banking77_oos(root: Path, seed: int = 13, k: int | None = None) -> EvalSet:
    """BANKING77-OOS: 50 in-scope intents, plus in-domain and off-topic out-of-scope queries.

    The folder follows the Few-Shot-Intent-Detection layout: ``train/``, ``valid/`` and
    ``test/`` hold the in-scope splits, ``id-oos/`` the queries of the 27 intents left out
    (in-domain out-of-scope) and ``ood-oos/`` off-topic ones; each split is ``seq.in`` plus
    ``label``.

    Args:
        root: The datasets folder (holding ``banking77_oos/``).
        seed: Seed for sampling the knowledge base when ``k`` is given.
        k: Variants per intent in the knowledge base; ``None`` keeps the whole train split.

    Returns:
        kb = in-scope train; queries = in-scope test + ``id-oos/test`` + ``ood-oos/test``
        (the last two labelled ``"oos"``); calibration = in-scope valid + ``id-oos/valid``
        + ``ood-oos/valid`` (likewise).
    """
    base = Path(root) / "banking77_oos"
    kb, _ = _split_train(_read_seq_split(base / "train"), k, seed, holdout=0)
    queries = (
        _read_seq_split(base / "test")
        + _read_seq_split(base / "id-oos" / "test", label=OOS)
        + _read_seq_split(base / "ood-oos" / "test", label=OOS)
    )
    calibration = (
        _read_seq_split(base / "valid")
        + _read_seq_split(base / "id-oos" / "valid", label=OOS)
        + _read_seq_split(base / "ood-oos" / "valid", label=OOS)
    )
    kb_texts = {row.text.casefold() for row in kb}
    calibration = [row for row in calibration if row.text.casefold() not in kb_texts]
    return EvalSet(
        name=f"banking77_oos(k={_k_name(k)},seed={seed})",
        kb=kb,
        queries=queries,
        calibration=calibration,
    )


# --------------------------------------------------------------------------- CLINC150


def clinc150(root: Path, k: int | None = None, seed: int = 13) -> EvalSet:
    """CLINC150 (``data_full.json``): 150 in-scope intents plus out-of-scope queries.

    Args:
        root: The datasets folder (holding ``clinc150/``).
        k: Variants per intent in the knowledge base; ``None`` (the default) keeps the whole
            train split (15,000 rows).
        seed: Seed for sampling the knowledge base when ``k`` is given.

    Returns:
        kb = in-scope train; calibration = val + oos_val; queries = test + oos_test (4,500
        in-scope and 1,000 labelled ``"oos"``).

    Raises:
        ValueError: The JSON file lacks one of the expected splits.
    """
    path = _require(Path(root) / "clinc150" / "data_full.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))

    def split(name: str, label: str | None = None) -> list[LabelledText]:
        if name not in data:
            raise ValueError(f"{path}: no split named {name!r}")
        return [
            LabelledText(text=_clean(text), label=label if label is not None else lab)
            for text, lab in data[name]
            if _clean(text)
        ]

    kb, _ = _split_train(split("train"), k, seed, holdout=0)
    return EvalSet(
        name=f"clinc150(k={_k_name(k)},seed={seed})",
        kb=kb,
        queries=split("test") + split("oos_test", OOS),
        calibration=split("val") + split("oos_val", OOS),
    )


# --------------------------------------------------------------------------- ArBanking77


def _arabic_label_map(root: Path, english_labels: set[str]) -> dict[str, str]:
    """Map ArBanking77's Arabic intent names to BANKING77's English label names.

    ``Banking77_intents.csv`` writes the English names with spaces (``card arrival``) where
    BANKING77 uses underscores (``card_arrival``); case is matched loosely because BANKING77
    itself writes one name capitalised (``Refund_not_showing_up``).

    Raises:
        ValueError: An English name does not match a BANKING77 category.
    """
    path = Path(root) / "arbanking77" / "Banking77_intents.csv"
    by_key = {label.casefold(): label for label in english_labels}
    mapping: dict[str, str] = {}
    for row in _read_columns(path, "label_ar", "label_en"):
        english = by_key.get("_".join(row.label.split()).casefold())
        if english is None:
            raise ValueError(f"{path}: {row.label!r} is not a BANKING77 category")
        mapping[_clean(row.text)] = english
    return mapping


def _read_arabic(path: Path, mapping: dict[str, str]) -> list[LabelledText]:
    """Read an ArBanking77 ``label,text`` file with labels mapped to English.

    Raises:
        ValueError: A label has no English mapping.
    """
    rows = _read_columns(path, "text", "label")
    unknown = sorted({_clean(row.label) for row in rows} - set(mapping))
    if unknown:
        raise ValueError(f"{path}: Arabic label(s) with no English mapping: {unknown}")
    return [LabelledText(text=row.text, label=mapping[_clean(row.label)]) for row in rows]


def arbanking77(root: Path, k: int | None = None, seed: int = 13, dialect: str = "MSA") -> EvalSet:
    """Arabic BANKING77 queries against the English BANKING77 knowledge base.

    The knowledge base is exactly ``banking77(root, k, seed).kb``. Labels are mapped to the
    English BANKING77 names through ``Banking77_intents.csv``; an unmapped label raises.

    The dataset has no validation split per dialect, only ``Banking77_Arabized_MSA_PAL_val``
    (Modern Standard Arabic and Palestinian mixed). Calibration uses the dialect's own
    validation file when one exists and that mixed file otherwise.

    Args:
        root: The datasets folder (holding ``banking77/`` and ``arbanking77/``).
        k: Variants per intent in the English knowledge base; ``None`` keeps all.
        seed: The kb sampling seed, as in :func:`banking77`.
        dialect: ``"MSA"`` (Modern Standard Arabic, the default) or ``"PAL"`` (Palestinian).

    Returns:
        kb = English variants; queries = the dialect's Arabic test split; calibration = the
        Arabic validation split, both with English labels.

    Raises:
        ValueError: Unknown dialect, or a label that does not map to a BANKING77 category.
    """
    if dialect not in _ARABIC_DIALECTS:
        raise ValueError(f"dialect must be one of {_ARABIC_DIALECTS}, got {dialect!r}")
    root = Path(root)
    train = _banking77_train(root)
    kb, _ = _split_train(train, k, seed, CALIBRATION_PER_INTENT)
    mapping = _arabic_label_map(root, {row.label for row in train})
    folder = root / "arbanking77"
    own_val = folder / f"Banking77_Arabized_{dialect}_val.csv"
    val = own_val if own_val.exists() else folder / "Banking77_Arabized_MSA_PAL_val.csv"
    return EvalSet(
        name=f"arbanking77(dialect={dialect},k={_k_name(k)},seed={seed})",
        kb=kb,
        queries=_read_arabic(folder / f"Banking77_Arabized_{dialect}_test.csv", mapping),
        calibration=_read_arabic(val, mapping),
    )


# --------------------------------------------------------------------------- xSID


def _read_conll(path: Path) -> list[LabelledText]:
    """Read the ``# text`` and ``# intent`` comments of an xSID ``.conll`` file.

    Raises:
        ValueError: A sentence lacks its text or its intent.
    """
    rows: list[LabelledText] = []
    fields: dict[str, str] = {}
    start = 1

    def flush() -> None:
        if not fields:
            return
        if "text" not in fields or "intent" not in fields:
            raise ValueError(f"{path}, line {start}: a sentence lacks '# text' or '# intent'")
        rows.append(LabelledText(text=_clean(fields["text"]), label=fields["intent"].strip()))
        fields.clear()

    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            flush()
            start = number + 1
            continue
        match = _CONLL_COMMENT.match(line)
        if match and match.group(1) not in fields:
            fields[match.group(1)] = match.group(2)
    flush()
    return rows


def xsid_languages(root: Path) -> list[str]:
    """List the xSID language codes that have both a test and a valid file, sorted.

    Args:
        root: The datasets folder (holding ``xsid/``).
    """
    folder = _require(Path(root) / "xsid")
    tests = {path.name[: -len(".test.conll")] for path in folder.glob("*.test.conll")}
    valids = {path.name[: -len(".valid.conll")] for path in folder.glob("*.valid.conll")}
    return sorted(tests & valids)


def xsid(root: Path, lang: str, unknown_as_oos: bool = True) -> EvalSet:
    """xSID: the same small set of assistant intents in many languages.

    The knowledge base is English (``en.valid.conll``, one entry per intent) and the queries
    are ``<lang>.test.conll``, so for ``lang != "en"`` this measures cross-lingual retrieval.
    The test files hold one intent (``alarm/time_left_on_alarm``) that the English valid file
    lacks; such queries are labelled ``"oos"`` unless ``unknown_as_oos`` is false.

    Calibration is ``<lang>.valid.conll``: parallel translations of the kb sentences, never
    test data. For ``lang == "en"`` that file *is* the kb, so calibration is empty.

    Args:
        root: The datasets folder (holding ``xsid/``).
        lang: A code from :func:`xsid_languages`, e.g. ``"de"``.
        unknown_as_oos: Label queries whose intent is not in the kb ``"oos"``.

    Returns:
        The evaluation set, named like ``xsid(lang=de)``.

    Raises:
        ValueError: ``lang`` has no test and valid file.
    """
    root = Path(root)
    languages = xsid_languages(root)
    if lang not in languages:
        raise ValueError(f"xSID has no language {lang!r}; available: {languages}")
    folder = root / "xsid"
    kb = _read_conll(folder / "en.valid.conll")
    known = {row.label for row in kb}

    def relabel(rows: list[LabelledText]) -> list[LabelledText]:
        if not unknown_as_oos:
            return rows
        return [row if row.label in known else LabelledText(row.text, OOS) for row in rows]

    calibration = [] if lang == "en" else relabel(_read_conll(folder / f"{lang}.valid.conll"))
    return EvalSet(
        name=f"xsid(lang={lang})",
        kb=kb,
        queries=relabel(_read_conll(folder / f"{lang}.test.conll")),
        calibration=calibration,
    )


# --------------------------------------------------------------------------- StackFAQ


def stackfaq(root: Path) -> EvalSet:
    """StackFAQ (Karan and Šnajder 2018): 125 StackExchange threads as FAQ entries.

    The knowledge base is one question per entry (the thread's title) with its top answer,
    as a company's FAQ often is; the queries are the paraphrases people wrote of each
    question (``*`` placeholders dropped). There is no calibration split: the thresholds
    come from the knowledge base itself.
    """
    data = json.loads((Path(root) / "stackfaq" / "stackExchange-FAQ.json").read_text("utf-8"))
    kb: list[LabelledText] = []
    queries: list[LabelledText] = []
    answers: dict[str, str] = {}
    for number, pair in enumerate(data["root"]["qapair"]):
        label = f"stackfaq-{number:03d}"
        kb.append(LabelledText(_clean(pair["question"]), label))
        given = pair.get("answer") or []
        given = [given] if isinstance(given, str) else given
        answers[label] = _clean(next((a for a in given if a), ""))
        rephrasings = pair.get("rephr") or []
        rephrasings = [rephrasings] if isinstance(rephrasings, str) else rephrasings
        queries += [
            LabelledText(_clean(text), label)
            for text in rephrasings
            if text and text.strip() not in ("", "*")
        ]
    return EvalSet(name="stackfaq", kb=kb, queries=queries, calibration=[], answers=answers)


# --------------------------------------------------------------------------- registry

LOADERS: dict[str, Callable[..., EvalSet]] = {
    "banking77": banking77,
    "banking77_oos": banking77_oos,
    "clinc150": clinc150,
    "arbanking77": arbanking77,
    "xsid": xsid,
    "stackfaq": stackfaq,
}
"""The loaders by name; each takes the datasets folder first."""


def load(name: str, root: Path, **kw: Any) -> EvalSet:
    """Load an evaluation set by its registry name.

    Args:
        name: A key of :data:`LOADERS`.
        root: The datasets folder.
        **kw: Passed on to the loader (e.g. ``k=10`` or ``lang="de"``).

    Returns:
        What the loader returns.

    Raises:
        ValueError: ``name`` is not a registered loader.
    """
    try:
        loader = LOADERS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known: {sorted(LOADERS)}") from None
    return loader(Path(root), **kw)
