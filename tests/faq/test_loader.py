"""Loading and validating the FAQ knowledge base (bot/faq/loader.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.faq.loader import load_knowledge_base, parse_file, parse_knowledge_base
from bot.faq.schema import FaqValidationError, KnowledgeBaseInvalid
from bot.settings import PROJECT_ROOT
from tests.auxil.faq_files import faq_entry, faq_text

SHIPPED = PROJECT_ROOT / "data" / "faq"
TODAY = date(2024, 6, 1)


def foo(**changes: Any) -> dict[str, Any]:
    """A valid entry 'foo'; ``changes`` replace fields (None removes one)."""
    raw = faq_entry(
        "foo",
        question={"en": "What is foo?", "de": "Was ist foo?"},
        variants={"en": ["tell me about foo"]},
        links=[{"url": "https://shop.example/foo", "label": {"en": "Foo"}}],
    )
    raw.update(changes)
    return {key: value for key, value in raw.items() if value is not None}


def problems(text: str, name: str = "kb/foo.yml") -> list[FaqValidationError]:
    with pytest.raises(KnowledgeBaseInvalid) as caught:
        parse_file(name, text, today=TODAY)
    return caught.value.errors


def where(errors: list[FaqValidationError]) -> list[tuple[str, str | None, str | None]]:
    return [(error.file, error.entry, error.field) for error in errors]


# --------------------------------------------------------------------------- the shipped KB


def test_shipped_knowledge_base_loads_with_every_language() -> None:
    kb = load_knowledge_base(SHIPPED)

    assert len(kb) >= 40
    for entry in kb.entries.values():
        assert {"en", "es", "de"} <= set(entry.answer), entry.id
        assert {"en", "es", "de"} <= set(entry.question), entry.id
        assert all(text.strip() for text in entry.answer.values()), entry.id
        assert Path(entry.source).parent == SHIPPED


def test_a_valid_entry_is_parsed_into_its_fields() -> None:
    (entry,) = parse_file("kb/foo.yml", faq_text([foo()]), today=TODAY)

    assert entry.id == "foo"
    assert entry.question == {"en": "What is foo?", "de": "Was ist foo?"}
    assert entry.variants == {"en": ("tell me about foo",)}
    assert entry.last_reviewed == date(2024, 5, 1)
    assert entry.links[0].url == "https://shop.example/foo"
    assert entry.source == "kb/foo.yml"
    assert entry.phrasings() == [
        ("en", "What is foo?"),
        ("de", "Was ist foo?"),
        ("en", "tell me about foo"),
    ]


# --------------------------------------------------------------------------- one error each


@pytest.mark.parametrize(
    ("entry", "field", "says"),
    [
        pytest.param(foo(answer=None), "answer", "required", id="missing answer"),
        pytest.param(
            foo(question={"de": "Was ist foo?"}),
            "question",
            "default language 'en'",
            id="question without the default language",
        ),
        pytest.param(
            foo(variants={"en": ["tell me about foo", "  "]}),
            "variants.en[1]",
            "non-empty",
            id="empty variant",
        ),
        pytest.param(
            foo(last_reviewed="2024-06-02"), "last_reviewed", "future", id="future review date"
        ),
        pytest.param(
            foo(last_reviewed="last week"), "last_reviewed", "YYYY-MM-DD", id="not a date"
        ),
        pytest.param(
            foo(links=[{"url": "shop.example/foo", "label": {"en": "Foo"}}]),
            "links[0].url",
            "http(s)",
            id="link without http(s) url",
        ),
        pytest.param(
            foo(buttons=[{"label": {"en": "Go"}, "payload": " "}]),
            "buttons[0].payload",
            "non-empty",
            id="button without payload",
        ),
        pytest.param(foo(tags="account"), "tags", "list", id="tags not a list"),
    ],
)
def test_each_problem_names_file_entry_and_field(
    entry: dict[str, Any], field: str, says: str
) -> None:
    errors = problems(faq_text([entry]))

    assert where(errors) == [("kb/foo.yml", "foo", field)]
    assert says in errors[0].problem
    assert str(errors[0]).startswith(f"kb/foo.yml, entry 'foo', field '{field}': ")


def test_a_typo_in_a_field_name_is_an_unknown_field() -> None:
    raw = foo()
    raw["answers"] = raw.pop("answer")

    errors = problems(faq_text([raw]))

    assert ("kb/foo.yml", "foo", "answers") in where(errors)
    unknown = next(error for error in errors if error.field == "answers")
    assert "unknown field" in unknown.problem
    # ...and the entry now lacks its answer, which is reported too.
    assert ("kb/foo.yml", "foo", "answer") in where(errors)


@pytest.mark.parametrize("bad_id", ["Reset_Password", "-foo", "foo bar", "über"])
def test_a_bad_id_is_reported_under_that_id(bad_id: str) -> None:
    errors = problems(faq_text([foo(id=bad_id)]))

    assert where(errors) == [("kb/foo.yml", bad_id, "id")]


def test_an_entry_whose_id_is_not_text_is_named_by_its_position() -> None:
    errors = problems(faq_text([foo(id="bar"), foo(id=42)]))

    assert where(errors) == [("kb/foo.yml", "#2", "id")]


def test_a_duplicate_id_within_one_file() -> None:
    errors = problems(faq_text([foo(), foo(question={"en": "Foo again?"})]))

    assert where(errors) == [("kb/foo.yml", "foo", "id")]
    assert "duplicate" in errors[0].problem


def test_a_duplicate_id_across_two_files_names_both() -> None:
    with pytest.raises(KnowledgeBaseInvalid) as caught:
        parse_knowledge_base(
            {"kb/a.yml": faq_text([foo()]), "kb/b.yml": faq_text([foo(id="bar"), foo()])},
            today=TODAY,
        )

    (error,) = caught.value.errors
    assert where([error]) == [("kb/b.yml", "foo", "id")]
    assert "kb/a.yml" in error.problem


# --------------------------------------------------------------------------- YAML syntax


BROKEN_ANSWER = """\
entries:
  - id: first
    question: {en: "First?"}
    answer: {en: The first.}
    tags: [test]
    owner: test-team
    last_reviewed: 2024-05-01
  - id: foo
    question:
      en: What is foo?
    answer:
{broken}
    tags: [test]
    owner: test-team
    last_reviewed: 2024-05-01
  - id: bar
    question: {en: What is bar}
    answer: {en: Bar is bar.}
    tags: [test]
    owner: test-team
    last_reviewed: 2024-05-01
"""


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param('      en: "Foo is foo.', id="unclosed double quote"),
        pytest.param("      en: 'Foo is foo.", id="unclosed single quote"),
        pytest.param("      en: Foo: is foo.", id="colon in plain text"),
        pytest.param("      en: Foo is foo.\n     de: Foo ist foo.", id="bad indentation"),
        pytest.param("      en: [Foo is foo.", id="unclosed bracket"),
        pytest.param("      en: Foo is foo.\n      es el foo", id="line without a key"),
        pytest.param('      en: "Foo" is foo.', id="text after a quoted string"),
    ],
)
def test_a_yaml_syntax_error_names_the_entry_and_field_above_it(broken: str) -> None:
    errors = problems(BROKEN_ANSWER.replace("{broken}", broken))

    assert where(errors) == [("kb/foo.yml", "foo", "answer")]
    assert "YAML syntax error at line" in errors[0].problem


def test_a_yaml_syntax_error_before_any_entry_names_only_the_file() -> None:
    errors = problems("entries: [\n")

    assert where(errors) == [("kb/foo.yml", None, None)]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param("- id: foo\n  question: {en: 'Foo?'}\n", None, id="a list"),
        pytest.param("entry:\n  - id: foo\n", None, id="wrong top-level key"),
        pytest.param(faq_text([foo()]) + "extra: 1\n", None, id="a second top-level key"),
        pytest.param("just some text\n", None, id="a plain string"),
        pytest.param("entries: foo\n", "entries", id="entries not a list"),
    ],
)
def test_a_file_that_is_not_a_mapping_with_entries(text: str, field: str | None) -> None:
    errors = problems(text)

    assert where(errors) == [("kb/foo.yml", None, field)]


def test_an_empty_file_has_no_entries_and_no_errors() -> None:
    assert parse_file("kb/foo.yml", "", today=TODAY) == []


# --------------------------------------------------------------------------- all at once


def test_every_broken_field_of_an_entry_is_reported_at_once() -> None:
    entry = foo(
        last_reviewed="2030-01-01",
        links=[{"url": "ftp://shop.example", "label": {"en": "Foo"}}],
    )

    errors = problems(faq_text([entry]))

    assert sorted(where(errors)) == [
        ("kb/foo.yml", "foo", "last_reviewed"),
        ("kb/foo.yml", "foo", "links[0].url"),
    ]


def test_a_missing_field_does_not_hide_the_other_broken_fields() -> None:
    errors = problems(faq_text([foo(answer=None, last_reviewed="2030-01-01")]))

    assert sorted(where(errors)) == [
        ("kb/foo.yml", "foo", "answer"),
        ("kb/foo.yml", "foo", "last_reviewed"),
    ]


def test_every_broken_entry_of_a_file_is_reported_at_once() -> None:
    text = faq_text([foo(id="one", tags=[]), foo(id="fine"), foo(id="two", owner=None)])

    errors = problems(text)

    assert where(errors) == [("kb/foo.yml", "one", "tags"), ("kb/foo.yml", "two", "owner")]


def test_every_broken_file_of_a_folder_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(faq_text([foo(id="a", answer=None)]), encoding="utf-8")
    (tmp_path / "b.yml").write_text(faq_text([foo(id="b")]), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("entries: [\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not part of the KB: [", encoding="utf-8")

    with pytest.raises(KnowledgeBaseInvalid) as caught:
        load_knowledge_base(tmp_path, today=TODAY)

    assert where(caught.value.errors) == [
        (str(tmp_path / "a.yml"), "a", "answer"),
        (str(tmp_path / "c.yaml"), None, None),
    ]
    assert "2 problem(s)" in str(caught.value)
