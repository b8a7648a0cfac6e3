"""The rendered reports in a real headless Chromium, with the network blocked.

Each report variant is rendered once per run (shared between xdist workers through a lock
file) and reused: the counsel and student editions of the Williams case must draw every
figure offline; the student edition must hold no answer and no finding; the redacted edition
must name no private person in any file; and a case file full of injection payloads must
execute nothing, link nowhere but http(s), and show its payloads as text.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from casebook import CasefileError, load_case
from tests.browser import BrowserPage, launch_chromium, open_page
from tests.conftest import FIXTURES, WILLIAMS, identity_leaks
from tests.reports import render_once as _render

HOSTILE = FIXTURES / "cases" / "hostile-input--valid.yaml"
NAME_FORMS = FIXTURES / "redaction" / "name-forms--redacted.yaml"
PAYLOADS = [
    "<script>window.__casebook_pwned=1</script>",
    '<img src=x onerror="window.__casebook_pwned=2">',
    '<svg onload="window.__casebook_pwned=3">',
    '"><script>window.__casebook_pwned=4</script>',
    "</script><script>window.__casebook_pwned=5</script>",
    "[click](javascript:window.__casebook_pwned=6)",
    '<a href="javascript:window.__casebook_pwned=7">x</a>',
    "{{7*7}}",
    "${7*7}",
]
FIGURE_TIMEOUT_MS = 60_000


# ------------------------------------------------------------------------------ rendering


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def williams_counsel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, WILLIAMS, "counsel")


@pytest.fixture(scope="session")
def williams_student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, WILLIAMS, "student", pdf=True)  # with its handout


@pytest.fixture(scope="session")
def williams_redacted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, WILLIAMS, "counsel", redact=True)


@pytest.fixture(scope="session")
def name_forms_redacted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, NAME_FORMS, "counsel", redact=True)


@pytest.fixture(scope="session")
def hostile_trainer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, HOSTILE, "trainer")


@pytest.fixture(scope="session")
def hostile_counsel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory, HOSTILE, "counsel")


# ------------------------------------------------------------------------------ helpers

_FIGURES_DRAWN = """() => {
    const figs = [...document.querySelectorAll('.casebook-figure')];
    return figs.length > 0 && figs.every(d => d.querySelector('.main-svg') && d._fullData);
}"""

_FIGURE_STATE = """() => [...document.querySelectorAll('.casebook-figure')].map(div => ({
    id: div.id,
    svg: div.querySelectorAll('.main-svg').length,
    points: (div._fullData || []).map(t => Math.max(0, ...['x', 'y'].map(
        k => t[k] ? Array.from(t[k]).filter(v => v !== null && v !== undefined).length : 0))),
}))"""


def _load(view: BrowserPage, folder: Path) -> list[dict[str, Any]]:
    """Open ``report.html``, wait until Plotly has drawn every figure, return their state."""
    view.page.goto((folder / "report.html").as_uri(), wait_until="load")
    if view.page.evaluate("typeof window.Plotly") != "object":  # inline: defined by now
        view.screenshot(f"{folder.parent.name}-{folder.name}-no-plotly")
        pytest.fail(f"plotly.js did not load in {folder / 'report.html'}, so no figure can be "
                    f"drawn; errors: {view.errors()}")
    try:
        view.page.wait_for_function(_FIGURES_DRAWN, timeout=FIGURE_TIMEOUT_MS, polling=200)
    except Exception:  # report the state, not only the timeout
        view.screenshot(f"{folder.parent.name}-{folder.name}-timeout")
        pytest.fail(f"figures not drawn in {folder / 'report.html'}: "
                    f"{view.page.evaluate(_FIGURE_STATE)}; errors: {view.errors()}")
    return view.page.evaluate(_FIGURE_STATE)


def _assert_drawn(figures: list[dict[str, Any]], at_least: int) -> None:
    assert len(figures) >= at_least, figures
    for fig in figures:
        assert fig["svg"] >= 1, f"{fig['id']} has no .main-svg: plotly did not draw it"
        assert max(fig["points"], default=0) >= 1, f"{fig['id']} has no trace with data: {fig}"


def _words(text: str) -> str:
    return " ".join(text.split())


def _folder_texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every file under ``folder``, and every member of each xlsx. An
    unmodified copy of plotly.js is cut out first: it is not case data, and it names the
    Julian calendar (a modified copy is scanned like everything else)."""
    from casebook.views.display import plotly_js

    vendor = plotly_js()
    copies = (vendor.replace("</script", "<\\/script"), vendor)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        where = str(path.relative_to(folder))
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    yield f"{where}:{member}", book.read(member).decode("utf-8", "replace")
        else:
            text = path.read_bytes().decode("utf-8", "replace")
            for copy in copies:
                text = text.replace(copy, "")
            yield where, text


class _Markup(HTMLParser):
    """Everything in raw HTML that would run or link: handlers, script bodies, URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and value and "__casebook_pwned" in value:
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if value and re.match(r"\s*(javascript|vbscript|data):", value, re.IGNORECASE) \
                    and name in ("href", "src", "xlink:href", "action", "formaction"):
                self.js_urls.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


class _Outline(HTMLParser):
    """The text of every heading and table-header cell (never inside a script)."""

    CAPTURE = ("h1", "h2", "h3", "h4", "h5", "h6", "th")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.CAPTURE and self._open is None:
            self._open = (tag, [])

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.texts.append((tag, _words("".join(self._open[1]))))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1].append(data)


def _assert_inert_markup(text: str, where: str) -> None:
    """No payload became markup: no handler, no javascript: URL, no script that is one."""
    parser = _Markup()
    parser.feed(text)
    parser.close()
    assert not parser.handlers, f"{where}: event handlers from case data: {parser.handlers}"
    assert not parser.js_urls, f"{where}: script URLs: {parser.js_urls}"
    injected = [s[:80] for s in parser.scripts if s.lstrip().startswith("window.__casebook")]
    assert not injected, f"{where}: injected script elements: {injected}"
    planted = [(t, a) for t, a in parser.tags
               if (t == "img" and a.get("src") == "x") or (t == "svg" and "onload" in a)]
    assert not planted, f"{where}: payload elements: {planted}"


# ------------------------------------------------------------------------------ figures


@pytest.mark.browser
@pytest.mark.parametrize("variant", ["williams_counsel", "williams_student", "williams_redacted",
                                     "name_forms_redacted"])
def test_report_draws_every_figure_offline(browser: Any, variant: str,
                                           request: pytest.FixtureRequest) -> None:
    """Every figure drawn by the inlined plotly.js, with no network at all: the exhibit is
    opened on laptops in court, and a request to a CDN would fail offline and, online, tell a
    third party that the exhibit was opened."""
    folder: Path = request.getfixturevalue(variant)
    with open_page(browser) as view:
        figures = _load(view, folder)
        view.screenshot(f"report-{variant}")
        for n, fig in enumerate(figures[:2]):
            view.screenshot(f"report-{variant}-figure-{n + 1}",
                            element=view.page.locator(f"#{fig['id']}"))
        _assert_drawn(figures, 2)
        assert view.errors() == [], view.errors()
        assert view.blocked == [], f"report.html requests outside resources: {view.blocked}"
        text = _words(view.page.evaluate("document.body.innerText"))
        headings = view.page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => h.innerText)")
    if variant == "williams_counsel":
        ids = " ".join(f["id"] for f in figures)
        assert "timeline" in ids and "graph" in ids, ids
    if variant == "williams_student":  # what the student sees on screen
        exercises = load_case(WILLIAMS).file.exercises
        assert "Question 1.1." in text and "Decision point 1:" in text
        for ex in exercises:
            assert _words(ex.question)[:120] in text, f"question not shown: {ex.question!r}"
            assert _words(ex.answer)[:120] not in text, f"answer shown: {ex.answer!r}"
        assert "model answer" not in text.lower()
        shown = {h.strip().rstrip("¶").strip() for h in headings}
        assert not {"Key findings", "Findings by standard"} & shown, shown


# ------------------------------------------------------------------------------ student


def test_student_edition_holds_no_answer_and_no_finding(williams_student: Path) -> None:
    case = load_case(WILLIAMS)
    answers = [ex.answer for ex in case.file.exercises]
    assert answers, "the Williams case file has exercises"
    raw = (williams_student / "report.html").read_text(encoding="utf-8")
    text = _words(html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    for answer in answers:
        # the whole answer, and each of its longer sentences on its own
        pieces = [answer, *(s for s in re.split(r"(?<=[.;:])\s+", answer) if len(s) >= 40)]
        for piece in pieces:
            assert _words(piece) not in text, f"student report contains an answer: {piece!r}"
    assert "model answer" not in text.lower()
    outline = _Outline()
    outline.feed(raw)
    outline.close()
    headings = {t.replace("↑ contents", "").strip("¶ ") for tag, t in outline.texts
                if tag[0] == "h"}
    assert "Discussion" in headings, headings  # the parser does see the headings
    assert any(h.startswith("Decision point 1:") for h in headings), headings
    findings = {"Key findings", "Findings by standard", "Failure chains", "Discovery list",
                "Then, now, best", "Chronology", "Summary", "Exhibit list"}
    assert not findings & headings, findings & headings  # nothing of the whole case
    columns = {t.lower() for tag, t in outline.texts if tag == "th"}
    assert not {"rule", "rule_title", "explanation", "violations", "basis"} & columns, columns
    names = sorted(p.name for p in williams_student.iterdir())
    leaked = [n for n in names if n.endswith((".ipynb", ".csv", ".xlsx"))
              or n.startswith(("case-study", "findings", "chronology", "answer"))]
    assert leaked == [], f"student folder holds teacher material: {names}"
    assert names == ["provenance.json", "report.html", "report.pdf"], names


# ------------------------------------------------------------------------------ redaction


def _private_tokens_from_file(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {word.lower() for actor in (data.get("actors") or {}).values()
            if actor.get("private") is True and actor.get("name")
            for word in re.findall(r"[^\W\d_]+", actor["name"]) if len(word) >= 3}


def test_redacted_edition_names_no_private_person(williams_redacted: Path) -> None:
    from casebook.views.redact import Redactor

    tokens = set(Redactor.for_case(load_case(WILLIAMS)).tokens)
    independent = _private_tokens_from_file(WILLIAMS)
    assert independent, "the Williams case file has named private persons"
    # the redactor also lists hyphenated names whole ("julian-borchak"): same words
    assert {w for t in tokens for w in re.findall(r"[^\W\d_]+", t) if len(w) >= 3} \
        == independent, (tokens, independent)
    words = sorted(independent | tokens, key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])",
                         re.IGNORECASE)
    out_root = williams_redacted.parent.parent
    assert not pattern.search(str(williams_redacted.relative_to(out_root)))
    names = [str(p.relative_to(out_root)) for p in out_root.rglob("*")]
    assert [n for n in names if pattern.search(n)] == []
    expected = {"report.html", "provenance.json", "case-study.ipynb", "findings.csv",
                "chronology.csv", "workbook.xlsx", "chronology.docx"}
    assert expected <= {p.name for p in williams_redacted.iterdir()}
    leaks: dict[str, list[str]] = {}
    for where, text in _folder_texts(williams_redacted):
        for m in pattern.finditer(text):
            leaks.setdefault(where, []).append(
                f"…{text[max(0, m.start() - 60):m.end() + 30]!r}…")
    assert not leaks, "name tokens in the redacted report:\n" + "\n".join(
        f"{where}: {len(found)} times, e.g.\n    " + "\n    ".join(found[:4])
        for where, found in leaks.items())


@pytest.mark.parametrize(("variant", "case_file"), [("williams_redacted", WILLIAMS),
                                                    ("name_forms_redacted", NAME_FORMS)])
def test_redacted_edition_hides_every_name_form_and_description(
        variant: str, case_file: Path, request: pytest.FixtureRequest) -> None:
    """Names in every form, and the descriptions that identify as well as a name, in no file
    of the folder — page, notebook, stamp, exports; the page's markup intact (a person named
    "Script Div" must not unmake ``<script>``); the case file's name nowhere."""
    folder: Path = request.getfixturevalue(variant)
    markup = {"script", "div"}  # the name words that are also HTML: read in the text below
    leaks = {where: [w for w in identity_leaks(text, case_file) if w not in markup]
             for where, text in _folder_texts(folder)}
    assert not {w: found for w, found in leaks.items() if found}
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.count("<script") == page.count("</script>") > 0
    parser = _Text()
    parser.feed(page)
    assert not identity_leaks(" ".join(parser.parts), case_file)
    for where, text in _folder_texts(folder):
        assert case_file.name not in text and case_file.stem not in text, where


class _Text(HTMLParser):
    """What a page says: its text and attribute values, without the markup and without the
    code of scripts and styles (whose strings the scan of the raw files reads)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [v for _k, v in attrs if v]
        self._code += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.parts.append(data)


# ------------------------------------------------------------------------------ hostile input

_PWNED = "() => typeof window.__casebook_pwned === 'undefined' ? null : window.__casebook_pwned"

_HOVER_ALL = """() => {
    let hovered = 0;
    for (const div of document.querySelectorAll('.casebook-figure')) {
        (div._fullData || []).forEach((t, i) => {
            const n = t.x ? Array.from(t.x).filter(v => v !== null).length : 0;
            for (let p = 0; p < Math.min(n, 3); p++) {
                Plotly.Fx.hover(div, [{curveNumber: i, pointNumber: p}]);
                hovered += document.querySelectorAll('.hoverlayer .hovertext').length ? 1 : 0;
            }
        });
        Plotly.Fx.unhover(div);
    }
    return hovered;
}"""

_LINKS = """() => [...document.querySelectorAll('a')].map(a => ({
    href: a.getAttribute('href') ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'),
    text: a.textContent.slice(0, 60)}))"""

_HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
    .filter(a => /^on/i.test(a.name) && a.value.includes('__casebook_pwned'))
    .map(a => el.tagName + ' ' + a.name))"""


def test_hostile_fixture_is_valid_and_carries_every_payload() -> None:
    case = load_case(HOSTILE)
    raw = HOSTILE.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload in raw, payload
    assert case.file.exercises and all(ex.answer for ex in case.file.exercises)


@pytest.mark.browser
@pytest.mark.parametrize("variant", ["hostile_trainer", "hostile_counsel"])
def test_hostile_case_text_is_shown_never_run(browser: Any, variant: str,
                                              request: pytest.FixtureRequest) -> None:
    folder: Path = request.getfixturevalue(variant)
    raw = (folder / "report.html").read_text(encoding="utf-8")
    _assert_inert_markup(raw, f"{variant}/report.html")
    notebook = folder / "case-study.ipynb"
    for n, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html")
            if markup:
                _assert_inert_markup("".join(markup), f"{variant}/case-study.ipynb cell {n}")
    with open_page(browser) as view:
        figures = _load(view, folder)
        _assert_drawn(figures, 2)
        page = view.page
        hovered = page.evaluate(_HOVER_ALL)
        assert hovered >= 1, "no hover label appeared"
        points = page.locator(".casebook-figure .point")
        moused = 0
        for i in range(min(points.count(), 8)):
            try:  # a point can be covered by another: the mouse hovers are a bonus
                points.nth(i).hover(force=True, timeout=5_000)
            except Exception:
                continue
            moused += 1
        assert moused >= 1, "no figure point could be hovered with the mouse"
        page.wait_for_timeout(300)  # give a planted handler the chance to fire
        view.screenshot(f"hostile-{variant}")
        assert page.evaluate(_PWNED) is None, "a payload ran"
        assert page.evaluate(_HANDLERS) == []
        links = page.evaluate(_LINKS)
        scripted = [a for a in links if a["href"] and a["href"].strip().lower().startswith(
            ("javascript:", "vbscript:", "data:"))]
        assert scripted == [], scripted
        foreign = [a for a in links if a["href"] and not a["href"].startswith("#")
                   and not re.match(r"https?://", a["href"])]
        assert foreign == [], f"links that are neither in-page nor http(s): {foreign}"
        assert any(a["href"] and a["href"].startswith("https://example.org/") for a in links)
        # the trainer's answers open on a click: open them all, so their text is read too
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_timeout(300)  # a planted handler of the opened text gets its chance
        assert page.evaluate(_PWNED) is None, "a payload ran"
        text = page.evaluate("document.body.innerText")
        missing = [p for p in PAYLOADS if p not in text]
        assert missing == [], f"payloads dropped instead of escaped: {missing}"
        assert view.errors() == [], view.errors()
    if variant == "hostile_trainer":
        assert "Model answer 2.1." in text  # the lineup exercise, opened


@pytest.mark.parametrize("url", [
    "javascript:window.__casebook_pwned=9",
    "JavaScript:window.__casebook_pwned=9",
    "data:text/html,<script>window.__casebook_pwned=9</script>",
    'https://example.org/"><script>window.__casebook_pwned=9</script>',
])
def test_script_url_in_a_case_file_is_refused_with_its_location(tmp_path: Path,
                                                                url: str) -> None:
    lines = HOSTILE.read_text(encoding="utf-8").splitlines()
    (at,) = [n for n, line in enumerate(lines) if line.strip().startswith("url: https://")]
    lines[at] = "    url: " + json.dumps(url)
    path = tmp_path / "script-url.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CasefileError) as info:
        load_case(path)
    problems = info.value.problems
    assert [(p.line, p.field) for p in problems] == [(at + 1, "sources.s-news.url")], problems
    assert problems[0].column == 10 and "http" in problems[0].message
    assert problems[0].path.endswith("script-url.yaml")


# ------------------------------------------------------------------------------ corpus


@pytest.mark.browser
def test_corpus_page_draws_its_charts_offline(browser: Any,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cross-case page over every case file: rendered, opened with no network, every
    chart (rule-by-case heatmap, patterns, durations) drawn."""
    from casebook.run.report import render_corpus

    out = tmp_path_factory.mktemp("corpus-page")
    result = render_corpus(WILLIAMS.parent, out, lens="best", as_of="2026-11-22")
    with open_page(browser) as view:
        figures = _load(view, result.folder)
        view.screenshot("corpus")
        _assert_drawn(figures, 3)
        assert view.errors() == [], view.errors()
        assert view.blocked == [], view.blocked


# ------------------------------------------------------------------------------ the exhibit page


@pytest.mark.browser
def test_contents_links_land_on_their_sections(browser: Any, williams_counsel: Path) -> None:
    with open_page(browser) as view:
        _load(view, williams_counsel)
        links = view.page.evaluate(
            "[...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))")
        headings = view.page.evaluate("[...document.querySelectorAll('h2')].map(h => h.id)")
        assert [link.lstrip("#") for link in links] == headings and len(links) >= 10
        for link in links:
            view.page.click(f"nav.toc a[href='{link}']")
            view.page.wait_for_function("(id) => location.hash === id", arg=link)
            top, at_end = view.page.evaluate(
                f"[document.querySelector('{link}').getBoundingClientRect().top, "
                "Math.ceil(window.scrollY + window.innerHeight) >= "
                "document.documentElement.scrollHeight]")
            assert abs(top) < 5 or (at_end and top > 0), (link, top)  # the last can't scroll
            view.page.click(f"{link} a.totop")
            view.page.wait_for_function("() => location.hash === '#contents'")
        assert view.blocked == [] and view.errors() == []


@pytest.mark.browser
def test_tables_sort_and_filter_offline(browser: Any, williams_counsel: Path) -> None:
    events = [e["id"] for e in yaml.safe_load(WILLIAMS.read_text(encoding="utf-8"))["events"]]
    with open_page(browser) as view:
        _load(view, williams_counsel)
        table = "#chronology ~ * table, section:has(#chronology) + section table"
        view.page.wait_for_selector(table)
        column = view.page.evaluate(f"""() => [...document.querySelector("{table}")
            .tHead.rows[0].cells].map(c => c.innerText.trim())""").index("event")
        view.page.click(f"{table} >> th >> nth={column}")
        shown = view.page.evaluate(f"""() => [...document.querySelector("{table}").tBodies[0]
            .rows].map(r => r.cells[{column}].innerText.trim())""")
        assert shown == sorted(shown) and set(shown) <= set(events)
        view.page.click(f"{table} >> th >> nth={column}")
        shown = view.page.evaluate(f"""() => [...document.querySelector("{table}").tBodies[0]
            .rows].map(r => r.cells[{column}].innerText.trim())""")
        assert shown == sorted(shown, reverse=True)
        view.page.fill("section:has(#chronology) + section input.table-filter", "arrest")
        visible = view.page.evaluate(f"""() => [...document.querySelector("{table}").tBodies[0]
            .rows].filter(r => r.style.display !== 'none').map(r => r.innerText.toLowerCase())""")
        assert visible and all("arrest" in row for row in visible) and len(visible) < len(shown)
        assert view.blocked == [] and view.errors() == []


@pytest.mark.browser
def test_in_print_every_figure_fits_the_page_and_no_toolbar_shows(
        browser: Any, williams_counsel: Path) -> None:
    from casebook.run.page import PRINT_WIDTH

    page_width = 8.5 * 96 - 2 * 0.45 * 96  # US Letter less the PDF's margins, in CSS pixels
    with open_page(browser) as view:
        _load(view, williams_counsel)
        view.page.emulate_media(media="print")
        view.page.wait_for_function(
            "(w) => [...document.querySelectorAll('.casebook-figure')].every("
            "d => d._fullLayout.width <= w)", arg=PRINT_WIDTH)
        boxes = view.page.evaluate("""() => [...document.querySelectorAll('.casebook-figure')]
            .map(d => ({width: d.querySelector('.main-svg').getBoundingClientRect().width,
                        bars: [...d.querySelectorAll('.modebar')].filter(
                          m => getComputedStyle(m).display !== 'none').length}))""")
        assert len(boxes) >= 2
        for box in boxes:
            assert box["width"] <= page_width and box["bars"] == 0, box
        view.screenshot("report-print")


@pytest.mark.browser
def test_the_pdf_has_page_numbers_every_heading_and_no_work_product(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from casebook.run.report import render_report

    result = render_report(WILLIAMS, tmp_path, audience="filing", pdf=True, exhibit="Ex. 12")
    reader = PdfReader(result.folder / "report.pdf")
    pages = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]  # ligatures
    total = len(pages)
    assert total > 5
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {total}" in text and "Ex. 12" in text, n
        assert "Not by itself a finding that anything was unlawful" in text
    whole = "\n".join(pages)
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="[^"]+">(.*?)<a class="totop"', page)
    assert headings and all(html.unescape(h) in whole for h in headings), headings
    assert "Discovery list" not in whole and "Earliest preventable point" not in whole
    raw = (result.folder / "report.pdf").read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw


@pytest.mark.browser
def test_a_notebook_run_by_papermill_becomes_the_same_offline_page(
        browser: Any, tmp_path: Path) -> None:
    import papermill

    from casebook.run.report import render_page

    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(WILLIAMS.parents[1] / "notebooks" / "case-study.ipynb"),
                               str(executed), parameters={"case": str(WILLIAMS)},
                               progress_bar=False, kernel_name="python3")
    page = render_page(executed)
    assert page == tmp_path / "executed.html"
    with open_page(browser) as view:
        view.page.goto(page.as_uri(), wait_until="load")
        view.page.wait_for_function(_FIGURES_DRAWN, timeout=FIGURE_TIMEOUT_MS, polling=200)
        figures = view.page.evaluate(_FIGURE_STATE)
        _assert_drawn(figures, 2)
        assert view.blocked == [] and view.errors() == []
        text = view.page.evaluate("document.body.innerText")
    assert "Contents" in text and "Run all cells" not in text  # no notebook scaffolding
