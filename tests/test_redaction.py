"""Redaction hides a private person's identity everywhere, and damages nothing else.

The expectations are written from the fixture's own text (tests/fixtures/redaction/), read as
plain YAML — never from what the redactor produces.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from casebook import load_case
from casebook.notebook.workbook import Workbook
from casebook.views.name_forms import NameForms
from casebook.views.privacy_rules import apply_privacy_rules
from casebook.views.redact import redact_case
from tests.conftest import FIXTURES, ROOT, identity_leaks

FORMS = FIXTURES / "redaction" / "name-forms--redacted.yaml"
WILLIAMS = ROOT / "casefile" / "williams-shinola.yaml"

#: Every way the fixture writes its private persons' names (read off the fixture's text).
VARIANTS = ["O\u2019Connor-Gómez", "OConnor-Gomez", "SeanOConnor", "sean_oconnor", "SeánO'Connor",
            "O'Connors", "Se%C3%A1n%20O%27Connor", "Sean%20OConnor", "Script Div",
            "\uff2f'\uff23\uff4f\uff4e\uff4e\uff4f\uff52", "O'Con\u00adnor", "Gó\u200bmez",
            "Mr. Le", "Anh Le", "Seán O'Connor-Gómez"]


def test_every_name_form_is_found_with_its_span() -> None:
    forms = NameForms({"Seán O'Connor-Gómez": "the accused", "Anh Le": "a witness"})
    for variant in VARIANTS[:-3]:
        if "Script" in variant:
            continue
        text = f"before {variant} after"
        match = forms.search(text)
        assert match is not None, variant
        assert text[match.start:match.end] in (variant, variant.removesuffix("s")), variant


def test_short_tokens_only_in_a_names_context() -> None:
    forms = NameForms({"Anh Le": "a witness"})
    assert forms.search("Mr. Le said") and forms.search("Anh Le said")
    assert forms.search("le chat noir") is None and forms.search("Le Monde reported") is None


def test_no_match_inside_another_word() -> None:
    forms = NameForms({"Robert Williams": "the accused"})
    assert forms.search("Williamson and WILLIAMSBURG") is None
    assert forms.search("the WilliamsFamily page").label == "the accused"


def test_redacted_case_holds_no_name_form_and_no_description() -> None:
    redacted, _redactor = redact_case(load_case(FORMS))
    text = json.dumps(redacted.file.model_dump(mode="json"), ensure_ascii=False)
    assert not identity_leaks(text, FORMS), identity_leaks(text, FORMS)
    assert "Le chat noir".lower() in text.lower()  # an ordinary word is left alone
    accused = next(a for a in redacted.actors.values() if "accused" in a.roles)
    assert accused.label() == accused.label(redact=True) == "the accused"


def test_ids_are_aliased_consistently_never_mangled() -> None:
    case = load_case(FORMS)
    redacted, redactor = redact_case(case)
    assert redacted.id == redactor.case_alias and not redactor.forms.search(redacted.id)
    arrest = redacted.events[1]
    assert arrest.id == redactor.id_aliases["oconnor-arrest"]  # an event id with a name
    assert re.fullmatch(r"[a-z0-9-]+", arrest.id) and "accused" not in arrest.id
    (source_id,) = [s for s in arrest.sources if s != "police-report"]
    assert source_id in redacted.sources  # the reference still resolves
    assert redacted.sources[source_id].url is None  # the URL named him
    assert redacted.sources["police-report"].url == "https://example.org/report"  # kept
    assert set(arrest.participants["subject"]) <= set(redacted.actors)


def test_a_standard_named_after_a_private_person_gets_its_neutral_title() -> None:
    from casebook.engine.protocols import load_protocols

    settlement = next(p for p in load_protocols() if p.id == "williams-settlement-2024")
    _case, redactor = redact_case(load_case(WILLIAMS))
    assert redactor(f"{settlement.short} ({settlement.id})") == \
        f"{settlement.neutral_title} (detroit-face-recognition-settlement-2024)"
    assert "The accused-settlement" not in redactor("williams-settlement-2024 binds DPD")


def test_the_court_privacy_rules() -> None:
    assert apply_privacy_rules("He was born on March 3, 1978 in Detroit.") == \
        "He was born in 1978 in Detroit."
    assert apply_privacy_rules("DOB: 03/03/1978") == "DOB: 1978"
    assert apply_privacy_rules("card 4111 1111 1111 1111 used") == "card ••••1111 used"
    assert apply_privacy_rules("SSN 123-45-6789") == "SSN ***-**-6789"
    assert apply_privacy_rules("lives at 55 Elm Street, Apt 4B, Farmington Hills") == \
        "lives at [street address withheld], Farmington Hills"
    kept = "No. 2:21-cv-10827, arrested 2020-01-09, $1,300 in 2018"
    assert apply_privacy_rules(kept) == kept


def test_workbook_exports_and_tables_leak_nothing(tmp_path: Path) -> None:
    book = Workbook.open(FORMS, lens="best", redact=True)
    written = book.export(tmp_path)
    for path in written:
        if path.suffix == ".xlsx":
            continue
        if path.suffix == ".docx":
            import docx

            text = "\n".join(c.text for t in docx.Document(path).tables for r in t.rows
                             for c in r.cells)
        else:
            text = path.read_text(encoding="utf-8")
        assert not identity_leaks(text, FORMS), (path.name, identity_leaks(text, FORMS))
    rows = list(csv.DictReader((tmp_path / "chronology.csv").open(encoding="utf-8")))
    assert "the accused's family watched" in " ".join(r["what"] for r in rows)
    summary = book.case.file.case.summary or ""
    assert "1234 Elm" not in summary and "4111" not in summary
    assert "born in 1978" in summary and "[street address withheld], Farmington Hills" in summary


@pytest.mark.parametrize("path", [WILLIAMS, FORMS], ids=["williams", "name-forms"])
def test_findings_never_describe_a_private_person(path: Path) -> None:
    book = Workbook.open(path, lens="best", redact=True)
    text = book.findings.to_csv()
    assert not identity_leaks(text, path), identity_leaks(text, path)[:5]


def test_a_redacted_citation_stays_checkable_against_the_source_list() -> None:
    """The title loses the name; the exhibit number, publisher, date and pinpoint survive, so
    counsel can match the citation to the unredacted exhibit list."""
    from casebook.views.tables import chronology_table

    raw = __import__("yaml").safe_load(FORMS.read_text(encoding="utf-8"))
    source = raw["sources"]["oconnor-interview"]
    redacted, _redactor = redact_case(load_case(FORMS))
    row = chronology_table(redacted).set_index("event")
    (cited,) = [c for cs in row["sources"] for c in cs if source["exhibit"] in c.text]
    assert source["publisher"] in cited.text and str(source["date"])[:4] in cited.text
    assert "p. 2, ¶ 7" in cited.text
    assert not identity_leaks(cited.text, FORMS)
