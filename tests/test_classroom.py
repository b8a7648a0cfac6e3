"""The classroom edition as it is written: the student's handout gives nothing away, in any
byte of any file; the trainer's notebook is one cell per decision point; the trainer's page
reveals each answer only on a click (in a real browser); the answer key is apart.

What "after the point" means is computed here from the case's date bounds, and what an
outcome is from the findings the engine gives — not from the lesson code under test."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.views.display import plotly_js
from tests.browser import launch_chromium, open_page
from tests.conftest import WILLIAMS
from tests.reports import render_once

pytestmark = pytest.mark.slow

#: How casebook marks a verdict or the face-recognition derivation, raw and as figure JSON
#: escapes "<" and ">".
MARKERS = ("No violation", "Violation, ", "Violation (", "Failed a rule", "failed, not counting",
           "most severe violation", "derived from the face-recognition output",
           "downstream of the face-recognition output", "FR-derived", "<b>violation</b>",
           "\\u003cb\\u003eviolation", "<b>rested on</b>", "\\u003cb\\u003erested on",
           "Model answer", "How the record fared", "not met on the record",
           "met on the record", "the record cannot tell", "Show the answer")


@pytest.fixture(scope="session")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_once(tmp_path_factory, WILLIAMS, "student", pdf=True)


@pytest.fixture(scope="session")
def trainer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_once(tmp_path_factory, WILLIAMS, "trainer", pdf=True)


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(path).pages]


def _every_byte(folder: Path) -> dict[str, str]:
    """Each file the edition wrote, as text: HTML and JSON as written (the plotly.js library
    itself, the same in every report, taken out), a PDF as its text."""
    library = plotly_js()
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            out[path.name] = "\n".join(_pdf_pages(path))
        else:
            out[path.name] = path.read_text(encoding="utf-8").replace(library, "")
    return out


def _forms(text: str) -> set[str]:
    """A text as it may be written into a page: raw, HTML-escaped, JSON-escaped."""
    return {text, html.escape(text), html.escape(text, quote=False),
            json.dumps(text)[1:-1]}


def test_the_student_edition_gives_nothing_away(student: Path) -> None:
    case = load_case(WILLIAMS)
    findings = evaluate(case, load_protocols(), lens="then")
    files = _every_byte(student)
    assert set(files) == {"report.html", "report.pdf", "provenance.json"}, set(files)
    page = files["report.html"]
    points = re.findall(r'<h2 id="[^"]+" class="decision-point" data-event="([^"]+)"', page)
    assert len(points) >= 4 and points[0] == "fr-search", points
    last_day = case.bounds(points[-1])[1]
    later = [ev for ev in case.events if case.bounds(ev)[0] > last_day]
    assert {"lawsuit-filed", "settlement", "publication"} <= {ev.id for ev in later}
    undated_or_later = [s for s in case.sources.values()
                        if s.date is None or str(s.date) > last_day.isoformat()]
    forbidden: dict[str, str] = {m: "a verdict marker" for m in MARKERS}
    for row in findings.itertuples():
        if len(str(row.explanation)) > 40:
            forbidden[str(row.explanation)] = f"the outcome of {row.rule}"
    for ex in case.file.exercises:
        forbidden[ex.answer] = "a model answer"
    for ev in later:
        forbidden[ev.summary] = f"a later event ({ev.id})"
        forbidden[f'"{ev.id}"'] = f"a later event's id ({ev.id})"
    for src in undated_or_later:
        forbidden[src.title] = "a later source's title"
        if src.url:
            forbidden[src.url] = "a later source's address"
    info = case.file.case
    forbidden[info.title] = "the case's title"
    forbidden[info.summary] = "the case's summary"
    for tag in ("wrongful-arrest", "settlement", "non-eyewitness-identification"):
        assert tag in info.tags
        forbidden[tag] = "a tag that names the ending"
    leaks = [(name, why, text[:60]) for text, why in forbidden.items()
             for name, content in files.items() for form in _forms(text) if form in content]
    assert leaks == [], leaks[:10]
    # the handout PDF: a decision point per page
    pages = _pdf_pages(student / "report.pdf")
    for n in range(1, len(points) + 1):
        on = [i for i, p in enumerate(pages) if f"Decision point {n}:" in p]
        assert len(on) == 1, (n, on)
        assert not any(f"Decision point {m}:" in pages[on[0]]
                       for m in range(1, len(points) + 1) if m != n)


def test_each_decision_point_shows_only_what_was_known_then(student: Path) -> None:
    case = load_case(WILLIAMS)
    page = (student / "report.html").read_text(encoding="utf-8")
    sections = re.split(r'(?=<h2 id="[^"]+" class="decision-point")', page)[1:]
    assert sections
    for section in sections:
        point = re.match(r'<h2 id="[^"]+" class="decision-point" data-event="([^"]+)"',
                         section)
        assert point
        section = section.split('<h2 id="discussion"')[0]
        last_day = case.bounds(point[1])[1]
        shown = {e for e in case.event_by_id if f'"{e}"' in section}
        assert point[1] in shown
        after = {e for e in shown if case.bounds(e)[0] > last_day}
        assert after == set(), (point[1], after)


def test_the_trainers_notebook_is_one_cell_per_decision_point(trainer: Path,
                                                              student: Path) -> None:
    nb = nbformat.read(trainer / "case-study.ipynb", as_version=4)
    cells = [c for c in nb.cells if "decision_point" in c.metadata.get("casebook", {})]
    events = re.findall(r'class="decision-point" data-event="([^"]+)"',
                        (student / "report.html").read_text(encoding="utf-8"))
    assert [c.metadata["casebook"]["event"] for c in cells] == events
    assert [c.metadata["casebook"]["decision_point"] for c in cells] == \
        list(range(1, len(events) + 1))
    for cell in nb.cells:
        markup = "".join(
            "".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))
        headings = re.findall(r'data-event="([^"]+)" data-decision-point="(\d+)">'
                              r"Decision point (\d+):", markup)
        if cell in cells:
            meta = cell.metadata["casebook"]
            assert headings == [(meta["event"], str(meta["decision_point"]),
                                 str(meta["decision_point"]))], headings
            plots = [o for o in cell.outputs
                     if "application/vnd.plotly.v1+json" in o.get("data", {})]
            assert len(plots) == 2  # its timeline and its event graph, as known then
            assert ("Model answer" in markup and "How the record fared" in markup) or \
                "Model answer" in markup
        else:
            assert headings == [], (cell.source, headings)
    assert not [o for c in nb.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]


def test_the_answer_key_is_apart_from_the_handout(trainer: Path, student: Path) -> None:
    case = load_case(WILLIAMS)
    key = (trainer / "answer-key.html").read_text(encoding="utf-8")
    for ex in case.file.exercises:
        assert html.escape(ex.answer) in key
    assert 'class="casebook-figure"' not in key
    assert key.count("<details class=\"casebook-answer\"") == len(
        re.findall(r"<details class=\"casebook-answer\" open[ >]", key)) > 0
    assert (trainer / "answer-key.pdf").is_file() and (trainer / "report.pdf").is_file()
    whole = "\n".join(_pdf_pages(trainer / "answer-key.pdf"))
    assert "Model answer" in whole
    assert not (student / "answer-key.html").exists()


_ANSWERS = """() => [...document.querySelectorAll('details.casebook-answer')].map(d => ({
    event: d.dataset.event, open: d.open,
    visible: [...d.children].filter(c => c.tagName !== 'SUMMARY')
        .some(c => c.checkVisibility())}))"""


@pytest.mark.browser
def test_the_trainers_page_reveals_each_answer_only_on_a_click(trainer: Path) -> None:
    case = load_case(WILLIAMS)
    lineup = [ex.answer for ex in case.file.exercises if ex.at == "photo-lineup"]
    with launch_chromium() as browser, open_page(browser) as view:
        view.page.goto((trainer / "report.html").as_uri(), wait_until="load")
        before = view.page.evaluate(_ANSWERS)
        assert len(before) >= 4 and not any(a["open"] or a["visible"] for a in before)
        text = view.page.evaluate("document.body.innerText")
        assert lineup[0][:80] not in text
        summary = view.page.locator('details.casebook-answer[data-event="photo-lineup"] '
                                    "> summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        after = view.page.evaluate(_ANSWERS)
        opened = [a["event"] for a in after if a["open"] and a["visible"]]
        assert opened == ["photo-lineup"], after
        text = view.page.evaluate("document.body.innerText")
        assert " ".join(lineup[0].split())[:80] in " ".join(text.split())
        view.screenshot("classroom-trainer-answer")
        summary.click()
        assert not any(a["open"] for a in view.page.evaluate(_ANSWERS))
        assert view.errors() == [] and view.blocked == []


