"""The cross-case views on a small corpus: Williams, the planted-failure fixtures and one
invalid file. Expected rules come from the fixture file names, never from the engine."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest

from casebook.cli import main
from casebook.engine.protocols import load_protocols
from casebook.model.registry import load_registry
from casebook.notebook import corpus as cb
from tests.conftest import (
    FIXTURES,
    ROOT,
    WILLIAMS,
    assert_expected_problems,
    michigan_and_general_protocols,
)

CASES = FIXTURES / "cases"
PLANTED = sorted(CASES.glob("*--fails-*.yaml"))
INVALID = FIXTURES / "invalid" / "bad-dates--error.yaml"
AS_OF = "2026-11-22"


def _planted(path: Path) -> set[str]:
    return set(path.stem.split("--fails-")[1].split("+"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    for path in [WILLIAMS, *PLANTED, INVALID]:
        shutil.copy(path, out / path.name)
    return out


@pytest.fixture(scope="module")
def corpus(folder: Path) -> cb.Corpus:
    # the planted failures are defined under `best`, where every standard counts — the
    # standards of Michigan and the general ones (see tests/conftest.py)
    return cb.load_corpus(folder, protocols=michigan_and_general_protocols(), lens="best",
                          as_of=AS_OF)


def _case_of(corpus: cb.Corpus, name: str) -> str:
    return next(c.id for c in corpus.cases if c.path.name == name)


# --------------------------------------------------------------------------- loading


def test_the_invalid_file_is_skipped_with_its_located_problems(corpus: cb.Corpus,
                                                               folder: Path) -> None:
    assert [Path(s.path).name for s in corpus.skipped] == [INVALID.name]
    assert_expected_problems(folder / INVALID.name, list(corpus.skipped[0].problems))
    table = cb.skipped_table(corpus)
    assert len(table) == len(corpus.skipped[0].problems)
    assert (table["line"].astype(int) > 0).all() and (table["column"].astype(int) > 0).all()
    assert {p.name for p in [WILLIAMS, *PLANTED]} == {c.path.name for c in corpus.cases}


def test_one_bad_file_never_stops_the_corpus(tmp_path: Path) -> None:
    shutil.copy(CASES / "minimal--valid.yaml", tmp_path / "a.yaml")
    shutil.copy(CASES / "minimal--valid.yaml", tmp_path / "b.yaml")  # the same case id
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a case file", encoding="utf-8")
    found = cb.load_corpus(tmp_path)
    assert [c.path.name for c in found.cases] == ["a.yaml"]
    skipped = {Path(s.path).name: s.problems for s in found.skipped}
    assert set(skipped) == {"b.yaml", "empty.yml"}
    (dup,) = skipped["b.yaml"]
    assert dup.field == "case.id" and dup.line == 2 and "already used" in dup.message


def test_each_case_is_evaluated_once_under_the_lens(corpus: cb.Corpus) -> None:
    assert set(corpus.findings["case"]) == set(corpus.case_ids)
    assert set(corpus.findings["lens"]) == {"best"}
    assert cb.case_table(corpus)["case"].tolist() == corpus.case_ids


# --------------------------------------------------------------------------- rule x case


@pytest.mark.parametrize("which", ["fail", "violation"])
def test_matrix_has_the_planted_rules_failing_for_the_right_cases(corpus: cb.Corpus,
                                                                  which: str) -> None:
    matrix = cb.rule_case_matrix(corpus, which, all_rules=True)  # type: ignore[arg-type]
    assert list(matrix.columns) == corpus.case_ids
    for path in PLANTED:
        column = matrix[_case_of(corpus, path.name)]
        assert set(column[column > 0].index) == _planted(path), path.name
    rows = cb.rule_case_matrix(corpus, which)  # type: ignore[arg-type]
    assert all(rows.sum(axis=1) > 0)
    planted = set().union(*map(_planted, PLANTED))
    assert planted <= set(rows.index)


def test_heatmap_marks_the_planted_violations(corpus: cb.Corpus) -> None:
    status = cb.rule_status(corpus)
    for path in PLANTED:
        case = _case_of(corpus, path.name)
        assert set(status.index[status[case] == "violation"]) == _planted(path)
    fig = cb.rule_heatmap(corpus)
    heat = fig.data[0]
    assert len(heat.y) == len(status.index) and len(heat.x) == len(corpus.case_ids)
    levels = list(reversed(cb.STATUS_ORDER))
    witness = next(CASES.glob("witness-not-present--fails-*.yaml")).name
    col = corpus.case_ids.index(_case_of(corpus, witness))
    row = list(status.index).index("DOJ-2017-8")
    assert levels[heat.z[row][col]] == "violation" and heat.text[row][col] == "1"


def test_rule_case_table_reads_like_the_matrix(corpus: cb.Corpus) -> None:
    table = cb.rule_case_table(corpus, "violation")
    matrix = cb.rule_case_matrix(corpus, "violation")
    assert table["rule"].tolist() == list(matrix.index)
    assert (table["cases"].to_numpy() == (matrix > 0).sum(axis=1).to_numpy()).all()
    assert table["title"].str.len().gt(0).all()


# ------------------------------------------------------------------------------ patterns


def test_every_pattern_rule_is_a_checkable_rule() -> None:
    checkable = {r.id for p in load_protocols() for r in p.rules if r.applies_to}
    for pattern in cb.load_patterns().patterns:
        assert pattern.rules and set(pattern.rules) <= checkable, pattern.name
    names = [p.name for p in cb.load_patterns().patterns]
    assert len(set(names)) == len(names)
    for name in ("FR candidate placed in a lineup without independent evidence",
                 "witness never saw the offense", "offense outside the FR policy's scope",
                 "FR use not disclosed to the accused", "arrest without independent evidence"):
        assert name in names


def test_patterns_are_shown_by_the_cases_whose_planted_rules_belong_to_them(
        corpus: cb.Corpus) -> None:
    counts = cb.pattern_counts(corpus).set_index("pattern")
    matrix = cb.pattern_matrix(corpus)
    for pattern in corpus.pattern_table.patterns:
        expected = {_case_of(corpus, p.name) for p in PLANTED
                    if _planted(p) & set(pattern.rules)}
        shown = {c for c in matrix.columns if matrix.loc[pattern.name, c] in
                 ("violation", "fail")}
        fixtures = shown - {"williams-shinola"}
        assert fixtures == expected, pattern.name
        assert counts.loc[pattern.name, "cases"] == len(shown)
        assert set(filter(None, counts.loc[pattern.name, "which cases"].split(", "))) == shown
    fig = cb.pattern_heatmap(corpus)
    rows = [y.replace("<br>", " ") for y in fig.data[0].y]  # wrapped at words, never cut
    assert rows == [p.name for p in corpus.pattern_table.patterns]
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")
    assert "one per rule and step" in subtitle  # what a cell counts


def test_patterns_table_and_the_uncounted_rows() -> None:
    table = cb.patterns_table()
    assert table["pattern"].tolist() == [p.name for p in cb.load_patterns().patterns]
    assert any(cell.startswith("DOJ-2017-8 (The witness saw the perpetrator)")
               for cell in table["rules"].tolist())
    assert len(cb.not_yet_checkable()) == len(cb.load_patterns().not_yet_checkable) > 0


# ----------------------------------------------------------------------------- durations


def test_williams_durations_come_from_the_date_bounds(corpus: cb.Corpus) -> None:
    d = cb.durations(corpus)
    w = d[d["case"] == "williams-shinola"].set_index(["from", "to"])
    # offense October 2018 (1-31) -> arrest 2020-01-09
    assert (w.loc[("Offense", "Arrest"), "min days"],
            w.loc[("Offense", "Arrest"), "max days"]) == (435, 465)
    assert w.loc[("Offense", "Arrest"), "days"] == "435\u2013465 days"
    assert (w.loc[("Arrest", "Dismissal"), "min days"],
            w.loc[("Arrest", "Dismissal"), "max days"]) == (14, 14)
    assert w.loc[("Offense", "Dismissal"), "span"] == "overall"
    steps = cb.step_dates(corpus)
    offense = steps[(steps["case"] == "williams-shinola") & (steps["step"] == "offense")].iloc[0]
    assert (offense["earliest"], offense["latest"]) == (date(2018, 10, 1), date(2018, 10, 31))
    assert not offense["exact"]  # a month stays a month: no day is invented
    order = steps[steps["case"] == "williams-shinola"]["step"].tolist()
    assert order == ["offense", "fr-search", "identification", "warrant", "arrest", "dismissal"]


def test_fixture_durations_are_exact_days(corpus: cb.Corpus) -> None:
    d = cb.durations(corpus)
    case = _case_of(corpus, PLANTED[0].name)
    total = d[(d["case"] == case) & (d["from"] == "Offense") & (d["to"] == "Arrest")].iloc[0]
    assert (total["min days"], total["max days"]) == (22, 22)  # 2022-01-10 -> 2022-02-01
    assert "Dismissal" not in set(d.loc[d["case"] == case, "to"])  # no dismissal: none made up


def test_durations_figure_draws_the_uncertainty(corpus: cb.Corpus) -> None:
    fig = cb.durations_figure(corpus)
    bars = {t.name: t for t in fig.data if t.type == "bar" and t.x and t.x[0] is not None
            and not t.marker.pattern.shape}
    assert set(bars) <= {s.label for s in corpus.vocabulary.steps}
    assert {"Offense", "Arrest", "Dismissal"} <= set(bars)
    row = corpus.case_ids.index("williams-shinola")
    offense = bars["Offense"]
    i = min(range(len(offense.y)), key=lambda k: abs(offense.y[k] - row))
    assert offense.base[i] == 0 and offense.x[i] == 31  # every day of October 2018
    arrest = bars["Arrest"]
    j = min(range(len(arrest.y)), key=lambda k: abs(arrest.y[k] - row))
    assert arrest.base[j] == 465 and arrest.x[j] == 1  # 2020-01-09, one day
    assert list(fig.layout.yaxis.tickvals) == list(range(len(corpus.case_ids)))


# -------------------------------------------------------------------------------- actors


def test_recurring_actors_match_registry_ids_only(corpus: cb.Corpus, folder: Path) -> None:
    table = cb.recurring_actors(corpus).set_index("registry id")
    referencing = {_case_of(corpus, p.name) for p in folder.glob("*.yaml")
                   if "ref: detroit-police-department" in p.read_text(encoding="utf-8")
                   and p.name != INVALID.name}
    assert len(referencing) > 1
    dpd = table.loc["detroit-police-department"]
    assert set(dpd["which cases"].split(", ")) == referencing
    assert dpd["cases"] == len(referencing)
    assert "investigating-agency" in dpd["roles by case"]
    assert set(table.index) <= set(load_registry().actors)
    assert (table["cases"] > 1).all()
    # unnamed local actors (the same ids in every fixture) are never matched across cases
    local = {aid for c in corpus.cases for aid, a in c.actors.items() if not a.actor.ref}
    assert {"detective", "clerk", "examiner", "accused"} <= local
    assert not local & set(table.index)
    seen = cb.registry_appearances(corpus)
    assert not local & set(seen["registry id"])


# ------------------------------------------------------------------------- display, export


def test_show_escapes_case_text(tmp_path: Path) -> None:
    shutil.copy(CASES / "hostile-input--valid.yaml", tmp_path / "hostile.yaml")
    found = cb.load_corpus(tmp_path)
    html = cb.show(cb.case_table(found))._repr_html_()  # type: ignore[union-attr]
    assert "<script" not in html.lower()
    assert "No valid case" in cb.show(cb.case_table(cb.load_corpus([])),
                                      empty="No valid case file.")._repr_html_()  # type: ignore[union-attr]


def test_export_writes_the_tables(corpus: cb.Corpus, tmp_path: Path) -> None:
    written = cb.export(corpus, tmp_path)
    assert {p.name for p in written} == {
        "cases.csv", "skipped.csv", "findings.csv", "violations-by-rule.csv",
        "fails-by-rule.csv", "patterns.csv", "steps.csv", "durations.csv",
        "recurring-actors.csv"}
    assert all(p.stat().st_size > 0 for p in written)
    assert cb.export(corpus, "") == []


# ----------------------------------------------------------------------------------- CLI


def test_report_needs_exactly_one_of_case_and_corpus(folder: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    assert "exactly one of a CASE file or --corpus DIR" in capsys.readouterr().err
    assert main(["report", str(WILLIAMS), "--corpus", str(folder)]) == 2
    assert "exactly one" in capsys.readouterr().err
    assert main(["report", "--corpus", str(folder / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["report", "--corpus", str(folder), "--redact"]) == 2


def test_report_corpus_calls_render_corpus(folder: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from casebook.run import report

    calls = []

    def fake(folder_: str, out: str, **kw: object) -> report.ReportResult:
        calls.append((folder_, out, kw))
        return report.ReportResult(tmp_path, tmp_path / "report.html")

    monkeypatch.setattr(report, "render_corpus", fake)
    assert main(["report", "--corpus", str(folder), "-o", str(tmp_path), "--lens", "now",
                 "--as-of", AS_OF]) == 0
    assert calls == [(str(folder), str(tmp_path),
                      {"lens": "now", "as_of": AS_OF, "protocols": "all"})]
    assert capsys.readouterr().out.strip() == str(tmp_path / "report.html")


# -------------------------------------------------------------------------------- render


@pytest.mark.slow
def test_render_corpus_writes_a_self_contained_report(folder: Path, tmp_path: Path) -> None:
    from casebook.run.report import render_corpus

    result = render_corpus(folder, tmp_path, lens="best", as_of=AS_OF, protocols="all")
    assert result.folder == tmp_path / "corpus" / "best"
    assert result.html == result.folder / "report.html"
    html = result.html.read_text(encoding="utf-8")
    assert html.count('class="casebook-figure"') >= 3
    assert html.count("Plotly.newPlot(") >= 3
    assert "<script src=" not in html  # plotly.js inline: opens offline
    assert INVALID.name in html and "month 13 does not exist" in html
    assert "not by itself a finding that anything was unlawful" in html
    assert "casebook-provenance" in html
    names = {p.name for p in result.files}
    assert {"report.html", "corpus.ipynb", "provenance.json", "cases.csv",
            "durations.csv", "recurring-actors.csv"} <= names
    stamp = json.loads((result.folder / "provenance.json").read_text(encoding="utf-8"))
    assert stamp["lens"] == "best" and stamp["as_of"] == AS_OF
    assert f"case file {WILLIAMS.name}" in stamp["inputs_sha256"]
    assert f"case file {INVALID.name}" in stamp["inputs_sha256"]
    nb = nbformat.read(result.folder / "corpus.ipynb", as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and str(folder) in injected[0].source
    assert not list(result.folder.parent.glob(".*tmp-*"))  # swapped in, nothing left over


@pytest.mark.slow
def test_render_corpus_from_a_list_with_a_shared_plotly(tmp_path: Path) -> None:
    from casebook.run.report import render_corpus

    result = render_corpus([WILLIAMS, CASES / "minimal--valid.yaml"], tmp_path, lens="then",
                           shared_plotly=tmp_path / "plotly.min.js")
    html = result.html.read_text(encoding="utf-8")
    assert '<script src="../../plotly.min.js">' in html
    assert len(html.encode()) < 1024 * 1024  # plotly.js is not embedded
    assert "williams-shinola" in html and "mini" in html
    stamp = json.loads((result.folder / "provenance.json").read_text(encoding="utf-8"))
    assert {f"case file {WILLIAMS.name}", "case file minimal--valid.yaml"} <= set(
        stamp["inputs_sha256"])


def test_dates_known_only_to_a_year_are_hatched_and_do_not_set_the_scale() -> None:
    from casebook.views.corpus_figures import COARSE_DAYS

    real = cb.load_corpus(ROOT / "casefile", lens="then")
    fig = cb.durations_figure(real)
    hatched = [t for t in fig.data if t.type == "bar" and t.marker.pattern.shape == "/"
               and t.x and t.x[0] is not None]
    solid = [t for t in fig.data if t.type == "bar" and not t.marker.pattern.shape and t.x
             and t.x[0] is not None]
    assert hatched and all(w > COARSE_DAYS for t in hatched for w in t.x)
    precise_end = max(b + w for t in solid for b, w in zip(t.base, t.x, strict=True))
    assert fig.layout.xaxis.range[1] <= precise_end * 1.03 + 1
    labels = [line for t in fig.layout.yaxis.ticktext for line in t.split("<br>")]
    assert all(not line.endswith("-") for line in labels)
