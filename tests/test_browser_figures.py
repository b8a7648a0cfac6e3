"""Every case's figures as a reader's browser draws them, measured in the DOM.

The timeline and the event graph of every case in ``casefile/`` and of synthetic cases of 50
and 500 events are drawn by plotly.js in headless Chromium on a page 1,000 px wide, in print
emulation at a printed page's width, and at the width of JupyterLab's output area beside its
file browser (JupyterLab itself is in ``test_jupyterlab.py``); the corpus charts with them.
For every figure: no two texts
overlap and none leaves the figure, the figure is no wider than the page and the page does not
scroll sideways, no graph label is an id, and every key step in the opening window is labelled.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.model.case import Case
from casebook.notebook.corpus import durations_figure, load_corpus, pattern_heatmap
from casebook.testing.synth import synth_case
from casebook.views.display import figure_bundle, plotly_js, plotly_loader
from casebook.views.graph_figure import graph_figure
from casebook.views.timeline import timeline_figure
from tests.browser import FIGURE_TEXTS_JS, launch_chromium, open_page, text_clashes
from tests.conftest import ROOT

CASEFILES = sorted((ROOT / "casefile").glob("*.yaml"))
SYNTHETIC = (50, 500)
#: (name, viewport width, media): a screen, a printed page (8.5 in less margins at 96 dpi,
#: about 700 px), JupyterLab's output area on a 1,000 px screen (568 px, measured).
WIDTHS = (("screen", 1000, "screen"), ("print", 716, "print"), ("jupyterlab", 584, "screen"))


@dataclass(frozen=True)
class Drawn:
    case: Case
    timeline: go.Figure
    graph: go.Figure


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Drawn]:
    folder = tmp_path_factory.mktemp("synthetic")
    paths = list(CASEFILES)
    for n in SYNTHETIC:
        path = folder / f"synthetic-{n}.yaml"
        path.write_text(synth_case(n, seed=3).text, encoding="utf-8")
        paths.append(path)
    protocols = load_protocols()
    out = {}
    for path in paths:
        case = load_case(path)
        found = evaluate(case, protocols, lens="then")
        out[path.stem] = Drawn(case, timeline_figure(case, found), graph_figure(case, found))
    return out


@pytest.fixture(scope="module")
def corpus_figures() -> dict[str, go.Figure]:
    corpus = load_corpus(ROOT / "casefile", lens="then")
    return {"corpus--durations": durations_figure(corpus),
            "corpus--patterns": pattern_heatmap(corpus)}


@pytest.fixture(scope="module")
def page(figures: dict[str, Drawn], corpus_figures: dict[str, go.Figure],
         tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page with every figure, plotly.js beside it."""
    folder = tmp_path_factory.mktemp("figures")
    (folder / "plotly.min.js").write_text(plotly_js(), encoding="utf-8")
    body = "".join(figure_bundle(fig, f"{name}--{kind}")["text/html"]
                   for name, drawn in figures.items()
                   for kind, fig in (("timeline", drawn.timeline), ("graph", drawn.graph)))
    body += "".join(figure_bundle(fig, name)["text/html"] for name, fig in corpus_figures.items())
    target = folder / "figures.html"
    target.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'>"
                      f"{plotly_loader('plotly.min.js')}"
                      "<style>body{margin:8px;font-family:sans-serif}</style></head>"
                      f"<body>{body}</body></html>", encoding="utf-8")
    return target


def _measure(page_path: Path, n_figures: int, width: int, media: str) -> dict[str, Any]:
    with launch_chromium() as browser, open_page(browser, viewport=(width, 900)) as view:
        view.page.emulate_media(media=media)
        view.page.goto(page_path.as_uri())
        view.page.wait_for_function(
            f"document.querySelectorAll('.casebook-figure .main-svg').length >= {n_figures}",
            timeout=120_000)
        view.page.evaluate("() => document.querySelectorAll('.casebook-figure')"
                           ".forEach(d => Plotly.Plots.resize(d))")
        drawn = {div: view.page.eval_on_selector(f"[id='{div}']", FIGURE_TEXTS_JS)
                 for div in view.page.eval_on_selector_all(
                     ".casebook-figure", "divs => divs.map(d => d.id)")}
        assert view.errors() == [], view.errors()
        view.screenshot(f"figures-{width}-{media}", full_page=False)
        return drawn


@pytest.mark.browser
@pytest.mark.parametrize(("name", "width", "media"), WIDTHS, ids=[w[0] for w in WIDTHS])
def test_no_text_overlaps_and_no_figure_is_wider_than_the_page(
        figures: dict[str, Drawn], corpus_figures: dict[str, go.Figure], page: Path, name: str,
        width: int, media: str) -> None:
    n_figures = 2 * len(figures) + len(corpus_figures)
    drawn = _measure(page, n_figures, width, media)
    assert len(drawn) == n_figures
    problems = [f"{div}: {p}" for div, d in drawn.items() for p in text_clashes(d)]
    assert problems == [], "\n".join(problems)
    for div, d in drawn.items():
        assert d["figure"][2] <= d["client"] + 0.5, (div, d["figure"], d["client"])
        assert d["scroll"] <= d["client"], (div, "the page scrolls sideways")
    texts = {div: {t[0] for t in d["texts"]} for div, d in drawn.items()}
    for case_name, fig in figures.items():
        case = fig.case
        # the graph names nodes as people do, never by id
        labels = {t[0] for t in drawn[f"{case_name}--graph"]["texts"] if "textpoint" in t[1]}
        assert labels, case_name
        ids = set(case.event_by_id) | set(case.evidence)
        assert not labels & ids, (case_name, labels & ids)
        # every key step inside the opening window is labelled, and the label is drawn
        window = [date.fromisoformat(x[:10]) for x in fig.timeline.layout.xaxis.range]
        keyed = {a.name.split(":")[2]: a for a in fig.timeline.layout.annotations
                 if a.name and a.name.startswith("key-step:")}
        key_steps = {ev.id for ev in case.events if not ev.context
                     and ev.type in case.vocabulary.key_steps}
        trace_ids = {c[0] for tr in fig.timeline.data if tr.customdata is not None
                     for c in tr.customdata}
        assert key_steps & trace_ids <= set(keyed), (case_name, key_steps - set(keyed))
        shown = texts[f"{case_name}--timeline"]
        for eid, a in keyed.items():
            if window[0] <= date.fromisoformat(a.x[:10]) <= window[1]:
                first_line = html.unescape(a.text.split("<br>")[0])
                assert any(t.startswith(first_line) for t in shown), (case_name, eid)


def test_the_williams_timeline_opens_on_at_most_three_years(figures: dict[str, Drawn]) -> None:
    start, end = (date.fromisoformat(x[:10])
                  for x in figures["williams-shinola"].timeline.layout.xaxis.range)
    assert (end - start).days <= 3 * 366
