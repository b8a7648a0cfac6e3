"""Pictures of the figures as a reader sees them, for the docs: ``make figures``.

Each figure — the timeline and the event graph of Williams and two other cases, and the
corpus's durations and failure patterns — is drawn by plotly.js in headless Chromium
(:mod:`.chromium`) and saved as a PNG in ``docs/img/``, so the documentation shows what a
report holds. Run it again whenever the figures change.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..atomic import write_bytes_atomic
from ..paths import repo_root
from ..views.display import figure_bundle, plotly_loader
from .chromium import open_page

__all__ = ["figure_pictures"]

VIEWPORT = (1000, 900)


def _page(fig: Any, name: str) -> str:
    bundle = figure_bundle(fig, f"casebook-{name}")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<style>body{margin:0;padding:16px;background:#fff}"
            ".modebar-container{display:none}</style>"
            f"{plotly_loader()}</head><body>{bundle['text/html']}</body></html>")


def _shoot(fig: Any, name: str, out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="casebook-shot-") as tmp:
        page = Path(tmp) / f"{name}.html"
        page.write_text(_page(fig, name), encoding="utf-8")
        with open_page(page, viewport=VIEWPORT) as (pipe, session):
            box = pipe.call("Runtime.evaluate", session, returnByValue=True, expression=(
                "(() => { const r = document.querySelector('.casebook-figure')"
                ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()"
            ))["result"]["value"]
            shot = pipe.call("Page.captureScreenshot", session, format="png",
                             captureBeyondViewport=True,
                             clip={"x": box[0], "y": box[1], "width": box[2],
                                   "height": box[3], "scale": 1})
    target = out / f"{name}.png"
    write_bytes_atomic(target, base64.b64decode(shot["data"]))
    return target


def figure_pictures(cases: list[Path], out: Path | None = None) -> list[Path]:
    """Pictures of ``cases`` and of the corpus, written into ``out`` (default: ``docs/img/``)."""
    from ..engine.findings import evaluate
    from ..engine.protocols import load_protocols
    from ..model.load import load_case
    from ..notebook.corpus import durations_figure, load_corpus, pattern_heatmap
    from ..views.graph_figure import graph_figure
    from ..views.timeline import timeline_figure

    root = repo_root()
    folder = out or root / "docs" / "img"
    folder.mkdir(parents=True, exist_ok=True)
    protocols = load_protocols()
    written = []
    for path in cases:
        case = load_case(path)
        name = path.stem
        found = evaluate(case, protocols, lens="then")
        written.append(_shoot(timeline_figure(case, found), f"{name}-timeline", folder))
        written.append(_shoot(graph_figure(case, found), f"{name}-graph", folder))
    corpus = load_corpus(root / "casefile", lens="then")
    written.append(_shoot(durations_figure(corpus), "corpus-durations", folder))
    written.append(_shoot(pattern_heatmap(corpus), "corpus-patterns", folder))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebook.run.figure_shots",
                                     description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("cases", nargs="+", type=Path,
                        help="case files whose timeline and graph are pictured")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="folder for the PNG files (default: docs/img/)")
    args = parser.parse_args(argv)
    for path in figure_pictures(args.cases, args.output):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
