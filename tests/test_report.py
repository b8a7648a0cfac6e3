"""The case-study notebook run as readers run it: papermill per audience, the papermill CLI
from the repository root, and the report folder `casebook report` writes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from casebook import CasefileError, load_case
from casebook.run.report import render_report, variant_name
from tests.conftest import FIXTURES, ROOT, WILLIAMS

pytestmark = pytest.mark.slow
NOTEBOOK = ROOT / "notebooks" / "case-study.ipynb"
SECTIONS = ["## Summary", "## Cast of characters", "## Exhibit list", "## Chronology",
            "## Timeline", "## Event graph"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    return {aud: render_report(WILLIAMS, out, audience=aud, lens="then").folder
            for aud in ("counsel", "trainer", "student")}


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [o.get("ename", "") for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("audience", ["counsel", "trainer"])
def test_executed_notebook_structure(reports: dict[str, Path], audience: str) -> None:
    nb = nbformat.read(reports[audience] / "case-study.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert f'audience = "{audience}"' in injected[0].source
    assert str(WILLIAMS) in injected[0].source  # absolute path injected
    assert not _errors(nb)
    text = _markdown(nb)
    for section in SECTIONS:
        assert section in text
    tags = {t for c in nb.cells for t in c.metadata.get("tags", [])}
    if audience == "counsel":
        assert "teaching" not in tags and "## Key findings" in text
    else:
        assert "teaching" in tags and "## Walking through the case" in text
    assert nb.metadata["casebook"]["lens"] == "then"
    # only the cells the edition shows were run: no gap where a left-out cell ran, and the
    # notebook names the repository's notebook, not a scratch copy
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert nb.metadata["papermill"]["input_path"] == str(NOTEBOOK)
    # and the stamp hashes that notebook, whatever copy of it ran
    assert nb.metadata["casebook"]["inputs_sha256"]["notebook"] == \
        hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest()


def test_every_variant_folder_holds_its_exhibits(reports: dict[str, Path]) -> None:
    for audience in ("counsel", "trainer"):
        names = {p.name for p in reports[audience].iterdir()}
        assert names == {"report.html", "case-study.ipynb", "provenance.json", "summary.json",
                         "workbook.xlsx", "case.xlsx", "chronology.docx", "chronology.csv",
                         "findings.csv",
                         "sources.csv", "cast.csv", "evidence.csv", "disputes.csv",
                         "facts.csv", "discovery.csv"} | (
                             {"answer-key.html"} if audience == "trainer" else set())
    assert {p.name for p in reports["student"].iterdir()} == {"report.html", "provenance.json"}
    assert reports["counsel"].name == variant_name("counsel", "then", None, False)


def test_student_html_has_no_answers_and_no_findings(reports: dict[str, Path]) -> None:
    html = (reports["student"] / "report.html").read_text(encoding="utf-8")
    for ex in load_case(WILLIAMS).file.exercises:
        assert ex.answer[:60] not in html
        assert ex.question[:60].replace("'", "&#x27;") in html
    assert "Model answer" not in html and "Key findings" not in html
    trainer = (reports["trainer"] / "report.html").read_text(encoding="utf-8")
    assert "Model answer" in trainer


def test_html_embeds_the_figures_and_plotly_offline(reports: dict[str, Path]) -> None:
    html = (reports["counsel"] / "report.html").read_text(encoding="utf-8")
    assert html.count('class="casebook-figure"') >= 2
    assert html.count("Plotly.newPlot(") >= 2
    assert "<script src=" not in html  # nothing fetched: plotly.js is inline
    assert len(html.encode()) <= 6 * 1024 * 1024
    assert 'class="cell-input"' not in html  # code hidden for counsel, shown to trainers
    assert 'class="cell-input"' in (reports["trainer"] / "report.html").read_text(encoding="utf-8")


def test_provenance_stamp(reports: dict[str, Path]) -> None:
    stamp = json.loads((reports["counsel"] / "provenance.json").read_text())
    assert stamp["lens"] == "then" and stamp["audience"] == "counsel"
    assert stamp["casebook"] and stamp["commit"] and stamp["generated"]
    assert len(stamp["inputs_sha256"]["case file"]) == 64
    assert any(k.startswith("protocol ") for k in stamp["inputs_sha256"])
    html = (reports["counsel"] / "report.html").read_text(encoding="utf-8")
    assert "casebook-provenance" in html and stamp["inputs_sha256"]["case file"] in html


def test_tables_for_counsel(reports: dict[str, Path]) -> None:
    import pandas as pd

    findings = pd.read_csv(reports["counsel"] / "findings.csv")
    assert {"rule", "event", "status", "basis", "counts"} <= set(findings.columns)
    sheets = pd.read_excel(reports["counsel"] / "workbook.xlsx", sheet_name=None)
    assert set(sheets) == {"Chronology", "Findings", "Sources", "Cast", "Evidence", "Disputes",
                           "Facts", "Discovery"}
    assert len(sheets["Chronology"]) == len(load_case(WILLIAMS).events)


def test_invalid_case_stops_before_running(tmp_path: Path) -> None:
    with pytest.raises(CasefileError):
        render_report(FIXTURES / "invalid" / "bad-dates--error.yaml", tmp_path)
    assert not any(tmp_path.rglob("report.html"))


def test_bytes_a_batch_validated_are_not_validated_again_but_others_are(tmp_path: Path
                                                                         ) -> None:
    """A batch hands its workers the hash and id of what it validated: the same bytes skip
    validation (the id comes from the batch), any other bytes are validated as usual."""
    case = tmp_path / "clean.yaml"
    case.write_bytes((FIXTURES / "cases" / "clean-investigation--clean.yaml").read_bytes())
    sha = hashlib.sha256(case.read_bytes()).hexdigest()
    hinted = render_report(case, tmp_path / "a", validated=(sha, "named-by-the-batch"))
    assert hinted.folder.parent.name == "named-by-the-batch" and hinted.html.exists()
    other = render_report(case, tmp_path / "b", validated=("0" * 64, "named-by-the-batch"))
    assert other.folder.parent.name == "clean-investigation"
    case.write_text(case.read_text(encoding="utf-8").replace("when:", "whem:", 1),
                    encoding="utf-8")  # edited since the batch validated it
    with pytest.raises(CasefileError, match="whem"):
        render_report(case, tmp_path / "c", validated=(sha, "named-by-the-batch"))


def test_papermill_cli_from_the_repository_root(tmp_path: Path) -> None:
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "notebooks/case-study.ipynb",
         str(out), "-p", "case", "casefile/williams-shinola.yaml", "-p", "audience",
         "student", "--no-progress-bar"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    assert not _errors(nb)
    assert any("Decision point" in str(o.get("data", {})) for c in nb.cells
               for o in c.get("outputs", []))


def test_papermill_help_notebook_describes_the_parameters() -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "--help-notebook",
         "notebooks/case-study.ipynb"], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for name, kind, words in [("case", "str", "path to a case file"), ("lens", "str", "then"),
                              ("audience", "str", "counsel (work product), filing, trainer"),
                              ("redact", "bool", "by role"), ("as_of", "str", "now"),
                              ("protocols", "str", "comma-separated")]:
        i = next(i for i, li in enumerate(lines) if li.strip().startswith(f"{name}:"))
        assert lines[i].strip().startswith(f"{name}: {kind} (default"), lines[i]
        assert words in lines[i] + lines[i + 1], lines[i:i + 2]


def test_committed_notebook_has_no_volatile_output() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert all(o.output_type == "stream" for o in cell.outputs)
        else:
            assert not cell.outputs and cell.execution_count is None, cell.source[:40]
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1


def test_every_note_of_the_case_file_is_in_its_report(reports: dict[str, Path]) -> None:
    """Every ``note:`` the author wrote — on the case's sources, actors, evidence, events and
    each claim of a fact or a date — reaches the counsel edition's page."""
    import html
    import re

    import yaml

    def notes(value: object) -> list[str]:
        if isinstance(value, dict):
            return [*([value["note"]] if isinstance(value.get("note"), str) else []),
                    *(n for k, v in value.items() if k != "note" for n in notes(v))]
        if isinstance(value, list):
            return [n for v in value for n in notes(v)]
        return []

    def words(text: str) -> str:
        return " ".join(text.split())

    written = notes(yaml.safe_load(WILLIAMS.read_text(encoding="utf-8")))
    assert len(written) > 100
    page = words(html.unescape(re.sub(r"<[^>]+>", " ", (reports["counsel"] / "report.html")
                                      .read_text(encoding="utf-8"))))
    missing = [n for n in written if words(n) not in page]
    assert not missing, missing[:5]
