"""``casebook report``: run the case-study notebook and write the exhibits, atomically.

One folder per variant — ``<out>/<case id or alias>/<audience>-<lens>[-<as_of>][-redacted]/`` —
so variants never overwrite each other. The folder holds a self-contained ``report.html``
(opens offline with every chart) and, except for students, the executed notebook,
the CSV tables, ``workbook.xlsx`` and ``chronology.docx``. Everything is written into a
temporary folder beside the target and swapped in by rename: a reader (or a crash) sees the
old report or the new one, never half of either. Each report carries a provenance stamp:
casebook version, commit, input hashes, lens, ``as_of`` and time of generation.

Papermill runs the notebook through its Python API (:func:`.kernel.execute_notebook`) with
absolute paths and without changing any working directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import CasebookError, path_text
from ..paths import repo_root, resolve
from .inputs import CASE_NOTEBOOK, CORPUS_NOTEBOOK, case_bytes, file_sha256, report_inputs
from .leftovers import remove_dead_leftovers, temp_prefix

if TYPE_CHECKING:
    from ..views.audience import Audience
    from ..views.redact import Redactor

__all__ = ["ReportError", "ReportResult", "check_protocol_ids", "provenance",
           "render_corpus", "render_page", "render_report", "variant_name"]



class ReportError(CasebookError):
    """The notebook failed for this case; ``failed_notebook`` keeps the executed notebook
    (papermill marks the failing cell) beside the previous good report."""

    def __init__(self, message: str, failed_notebook: Path | None):
        super().__init__(message)
        self.failed_notebook = failed_notebook


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    html: Path
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    case_sha256: str = ""  # the bytes of the case file this report was rendered from


def variant_name(audience: str, lens: str, as_of: str | None, redact: bool) -> str:
    parts = [audience, lens]
    if lens == "now" and as_of:
        parts.append(as_of)
    if redact:
        parts.append("redacted")
    return "-".join(parts)


@lru_cache(maxsize=1)
def _commit() -> str:
    """The checkout's commit, asked of git once per process (the code running is the code
    imported then; the files a report reads are hashed each time)."""
    try:
        out = subprocess.run(["git", "-C", str(repo_root()), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def provenance(inputs: dict[str, Path], lens: str, as_of: str | None, audience: str,
               redact: bool, digests: dict[str, str] | None = None) -> dict[str, Any]:
    """What produced a report: version, commit, the hash of every input
    (:func:`~casebook.run.inputs.report_inputs`; ``digests`` gives those already known — the
    case file's, from the bytes rendered), parameters, time."""
    known = digests or {}
    return {
        "casebook": __version__,
        "commit": _commit(),
        "lens": lens,
        "as_of": as_of or datetime.now(UTC).date().isoformat(),
        "audience": audience,
        "redacted": redact,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs_sha256": {name: known.get(name) or file_sha256(p)
                          for name, p in inputs.items()},
    }


def _stamp_html(stamp: dict[str, Any], redactor_case_label: str) -> str:
    from ..views.display import escape

    rows = "".join(f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
                   for k, v in stamp["inputs_sha256"].items())
    return (
        '<div class="casebook-provenance" style="font-size:12px;color:#555;margin-top:2em">'
        f"<p>Provenance — casebook {escape(stamp['casebook'])}, commit "
        f"<code>{escape(stamp['commit'][:12])}</code>, case {escape(redactor_case_label)}, "
        f"lens <strong>{escape(stamp['lens'])}</strong>, as of {escape(stamp['as_of'])}, "
        f"audience {escape(stamp['audience'])}{', redacted' if stamp['redacted'] else ''}, "
        f"generated {escape(stamp['generated'])}.</p>"
        f"<details><summary>Input hashes (SHA-256)</summary><table>{rows}</table></details>"
        "</div>")


def _filter_cells(nb: Any, viewer: Audience) -> None:
    """Remove (not hide) the cells of the sections an audience does not see."""
    nb.cells = [c for c in nb.cells if viewer.keeps_cell(c.get("metadata", {}).get("tags", []))]


def _scrub(nb: Any, redactor: Redactor) -> None:
    """The safety net of redaction, over every cell and output once more: text only — never
    markup (a figure's script stays a script) and never code (the case path excepted)."""
    for cell in nb.cells:
        cell.source = (redactor.exact(cell.source) if cell.cell_type == "code"
                       else redactor(cell.source))
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = redactor(out["text"])
            data = out.get("data", {})
            for mime, fn in (("text/html", redactor.html), ("text/plain", redactor),
                             ("text/markdown", redactor)):
                if mime in data:
                    value = data[mime]
                    data[mime] = fn(value) if isinstance(value, str) else [fn(v) for v in value]
            for mime in ("application/vnd.plotly.v1+json", "application/json"):
                if mime in data:
                    data[mime] = redactor.deep(data[mime])


def _to_html(nb: Any, viewer: Audience, title: str, *, shared_plotly: str | None = None,
             footer: str = "") -> str:
    """The report page: code hidden for counsel, plotly.js inline unless shared."""
    from .page import notebook_html

    return notebook_html(nb, title=title, show_code=viewer.sees("code"),
                         shared_plotly=shared_plotly, footer=footer)


def render_page(executed: str | Path, out: str | Path | None = None) -> Path:
    """The offline page of a notebook executed elsewhere (by the papermill CLI, or in
    JupyterLab): the same page ``report`` writes — figures drawn by inline plotly.js, the cells
    of the notebook's audience only, code shown only to trainers and students, redaction's
    safety net when it ran redacted. Written atomically to ``out`` (default: beside it, .html).
    """
    import nbformat

    from ..atomic import write_text_atomic
    from ..views.audience import audience as audience_named

    source = Path(executed)
    nb = nbformat.read(source, as_version=4)
    params = dict(nb.metadata.get("papermill", {}).get("parameters", {}))
    viewer = audience_named(str(params.get("audience") or "counsel"))
    _filter_cells(nb, viewer)
    label = source.stem
    if params.get("redact") and params.get("case"):
        from ..model.load import load_case
        from ..views.redact import Redactor

        redactor = Redactor.for_case(load_case(resolve(str(params["case"]))))
        _scrub(nb, redactor)
        label = redactor.case_alias
    target = Path(out) if out else source.with_suffix(".html")
    write_text_atomic(target, _to_html(nb, viewer, f"casebook — {label}"))
    return target


def _render(notebook: Path, final: Path, parameters: dict[str, Any], km: Any, *,
            what: str, export: bool,
            finish: Callable[[Any, Path], dict[str, Any] | None],
            snapshot: tuple[Path, bytes] | None = None) -> ReportResult:
    """Execute ``notebook`` into a temporary folder beside ``final``, let ``finish`` turn the
    executed notebook into the page, and swap the folder in.

    ``finish(nb, folder)`` writes the page into ``folder`` and returns the provenance stamp;
    it may edit ``nb`` (then written as the executed notebook, stamped), or return ``None`` to
    leave no notebook behind. A failing notebook raises :class:`ReportError` and is kept
    beside the previous report; ``final`` is untouched. So does a kernel that dies.

    ``snapshot`` — (the case file, the bytes already read from it): the notebook reads those
    bytes from a copy in the temporary folder, so the report is of exactly the bytes that were
    hashed, even if the file is edited meanwhile; the executed notebook names the file.
    """
    import time

    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .kernel import execute_notebook

    timings: dict[str, float] = {}
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(final.name), dir=final.parent))
    tmp.chmod(0o755)
    executed = tmp / notebook.name
    try:
        if snapshot is not None:
            original, raw = snapshot
            copy = tmp / ".input" / path_text(original.name)
            copy.parent.mkdir()
            copy.write_bytes(raw)
            parameters = parameters | {"case": str(copy)}
        t = time.perf_counter()
        try:
            nb = execute_notebook(notebook, executed,
                                  parameters | {"export": str(tmp) if export else ""}, km)
        except papermill.PapermillExecutionError as err:
            kept = final.parent / f"{final.name}.failed.ipynb"
            if executed.exists():
                os.replace(executed, kept)
            raise ReportError(f"{what} failed in cell {err.exec_count} ({err.ename}: "
                              f"{err.evalue}); the executed notebook is kept at {kept}",
                              kept if kept.exists() else None) from None
        except (DeadKernelError, CellTimeoutError) as err:
            raise ReportError(f"{what} stopped: {err}", None) from None
        timings["execute"] = time.perf_counter() - t
        t = time.perf_counter()
        if snapshot is not None:
            _rename_in(nb, str(copy), path_text(snapshot[0]))
            shutil.rmtree(copy.parent)
        stamp = finish(nb, tmp)
        if stamp is not None:  # else the edition leaves no notebook behind
            nb.metadata["casebook"] = stamp
            nbformat.write(nb, executed)
        timings["convert"] = time.perf_counter() - t
        files = sorted(p.relative_to(tmp) for p in tmp.iterdir())
        _swap_in(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReportResult(final, final / "report.html", [final / f for f in files], timings)


def _write_page(folder: Path, final: Path, nb: Any, viewer: Audience, label: str,
                stamp: dict[str, Any], shared_plotly: str | Path | None) -> None:
    """report.html and provenance.json into ``folder``, which becomes ``final``: a shared
    plotly.js is linked by its path relative to ``final``, whatever the depth."""
    shared = os.path.relpath(Path(shared_plotly).resolve(), final) if shared_plotly else None
    html = _to_html(nb, viewer, f"casebook — {label}", shared_plotly=shared,
                    footer=_stamp_html(stamp, label))
    (folder / "report.html").write_text(html, encoding="utf-8")
    (folder / "provenance.json").write_text(json.dumps(stamp, indent=2), encoding="utf-8")


def _numbered_standards(inputs: dict[str, Path]) -> dict[str, Path]:
    """The inputs with each standard's file named by its number, not its name."""
    out, n = {}, 0
    for name, path in inputs.items():
        if name.startswith("protocol "):
            n += 1
            name = f"standard {n}"
        out[name] = path
    return out


def _lesson_notebook(template: Path, scratch: Path, case: Any, viewer: Audience,
                     **params: Any) -> Path:
    """The notebook expanded to one cell per decision point of ``case``'s lesson, only the
    cells ``viewer`` sees, written into ``scratch`` under the template's name."""
    import nbformat

    from .lesson import lesson_notebook, lesson_points

    nb = lesson_notebook(nbformat.read(template, as_version=4), lesson_points(case, **params),
                         viewer)
    return _scratch_copy(nb, scratch, template)


def _pruned_notebook(template: Path, scratch: Path, viewer: Audience) -> Path:
    """The notebook without the cells ``viewer`` would not see, written into ``scratch``
    under the template's name: what an edition leaves out is never computed."""
    import nbformat

    nb = nbformat.read(template, as_version=4)
    _filter_cells(nb, viewer)
    return _scratch_copy(nb, scratch, template)


def _scratch_copy(nb: Any, scratch: Path, template: Path) -> Path:
    """``nb`` written into ``scratch`` under the template's name (the executed notebook's)."""
    import nbformat

    out = scratch / template.name
    nbformat.write(nb, out)
    return out


def _write_answer_key(folder: Path, final: Path, nb: Any, label: str, stamp: dict[str, Any],
                      shared_plotly: str | Path | None) -> None:
    """answer-key.html: the lesson's questions and answers, open, without figures — printed
    apart from the students' handout."""
    from .lesson import answer_key
    from .page import notebook_html

    shared = os.path.relpath(Path(shared_plotly).resolve(), final) if shared_plotly else None
    html = notebook_html(answer_key(nb), title=f"casebook — {label} — answer key",
                         show_code=False, shared_plotly=shared,
                         footer=_stamp_html(stamp, label))
    (folder / "answer-key.html").write_text(html, encoding="utf-8")


def _still_valid(path: Path, validated: tuple[str, str] | None) -> tuple[bytes | None, str]:
    """The file's bytes and case id when they are the bytes validated (``validated``:
    SHA-256, case id); else ``(None, "")``: the file must be validated now."""
    if not validated:
        return None, ""
    from ..model.untrusted import UntrustedFileError

    try:
        raw = case_bytes(path)
    except UntrustedFileError:
        return None, ""  # validation says why, located
    if hashlib.sha256(raw).hexdigest() != validated[0]:
        return None, ""
    return raw, validated[1]


def check_protocol_ids(protocols: str) -> None:
    """Unknown protocol ids stop a report here, located and with suggestions, not inside the
    notebook. ``all`` needs no check (and spares the parent the engine's imports)."""
    if str(protocols).strip() not in ("", "all"):
        from ..engine.protocols import select_protocols

        select_protocols(protocols)


def _rename_in(nb: Any, old: str, new: str) -> None:
    """Every mention of ``old`` (the snapshot's path) in the executed notebook — the
    parameters cell, outputs, papermill's metadata — becomes ``new``."""
    pairs = [(old, new)]
    encoded = (json.dumps(old)[1:-1], json.dumps(new)[1:-1])   # inside JSON kept as text
    if encoded[0] != old:
        pairs.append(encoded)

    def fixed(value: Any) -> Any:
        if isinstance(value, str):
            for a, b in pairs:
                value = value.replace(a, b)
            return value
        if isinstance(value, dict):
            for key in value:
                value[key] = fixed(value[key])
        elif isinstance(value, list):
            value[:] = [fixed(v) for v in value]
        return value

    fixed(nb)


def _swap_in(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` with renames only."""
    old = final.with_name(f"{temp_prefix(final.name)}old")
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def render_report(case: str | Path, out_dir: str | Path = "reports", *,
                  audience: str = "counsel", lens: str = "then", as_of: str | None = None,
                  redact: bool = False, protocols: str = "all",
                  shared_plotly: str | Path | None = None, km: Any = None,
                  notebook: str | Path | None = None, pdf: bool = False,
                  exhibit: str | None = None,
                  validated: tuple[str, str] | None = None) -> ReportResult:
    """Execute the notebook for one variant and write its folder (see the module docstring).

    ``pdf`` also prints ``report.pdf`` beside the page through headless Chromium (run.pdf),
    with ``exhibit`` (e.g. "Ex. 12") and "page X of Y" on every page.

    ``shared_plotly`` is a shared plotly.min.js file the page links to (else plotly.js is
    inlined); ``km`` a started kernel manager to reuse (batches keep one warm kernel per
    worker; by default one is started for this report, see :mod:`casebook.kernel`);
    ``notebook`` another parameterized notebook taking the same parameters (default: the
    case study); ``validated`` — (SHA-256, case id) of the bytes a batch has just validated:
    if the file still holds exactly those, they are not validated again (the notebook loads
    the case anyway), unless the edition needs the case here (redaction, the classroom)."""
    import time

    from .kernel import kernel_for

    t0 = time.perf_counter()
    with kernel_for(km) as km:  # the kernel boots and imports while the case loads
        import nbformat

        from ..views.audience import audience as audience_named

        viewer = audience_named(audience)
        case_path = resolve(case)
        needs_case = redact or "teaching" in viewer.sections
        raw, case_id = (None, "") if needs_case else _still_valid(case_path, validated)
        loaded = None
        if raw is None:
            from ..model.load import load_case

            loaded = load_case(case_path)  # invalid input stops here, with located problems
            raw, case_id = loaded.raw, loaded.id
        case_digest = hashlib.sha256(raw).hexdigest()
        check_protocol_ids(protocols)
        redactor = None
        if redact:
            from ..views.redact import Redactor

            assert loaded is not None  # needs_case
            redactor = Redactor.for_case(loaded)
        case_label = redactor.case_alias if redactor else case_id
        final = (Path(out_dir).expanduser().resolve() / case_label
                 / variant_name(audience, lens, as_of, redact))
        notebook = Path(notebook).resolve() if notebook else repo_root() / CASE_NOTEBOOK
        scratch = Path(tempfile.mkdtemp(prefix=temp_prefix("lesson")))
        if "teaching" in viewer.sections:  # the classroom: one cell per decision point
            executed_from = _lesson_notebook(notebook, scratch, loaded, viewer,
                                             protocols=protocols, lens=lens, as_of=as_of,
                                             audience=audience, redact=redact)
        else:  # only the cells this edition shows are run (the lesson's are not counsel's)
            executed_from = _pruned_notebook(notebook, scratch, viewer)

        def finish(nb: Any, folder: Path) -> dict[str, Any] | None:
            # what ran was a scratch copy of the notebook; the report names (and hashes) the
            # notebook it was made from
            if "input_path" in nb.metadata.get("papermill", {}):
                nb.metadata.papermill.input_path = str(notebook)
            inputs = report_inputs(notebook, {"case file": case_path})
            if not viewer.sees("input-names"):
                inputs = _numbered_standards(inputs)
            stamp = provenance(inputs, lens, as_of, audience, redact, {"case file": case_digest})
            if redactor:  # names never reach the page, the stamp or the notebook's metadata
                _scrub(nb, redactor)
                stamp = redactor.deep(stamp)
                nb.metadata = nbformat.from_dict(redactor.deep(dict(nb.metadata)))
            _write_page(folder, final, nb, viewer, case_label, stamp, shared_plotly)
            pages = ["report"]
            if "teaching" in viewer.sections and viewer.sees("model-answers"):
                _write_answer_key(folder, final, nb, case_label, stamp, shared_plotly)
                pages.append("answer-key")
            if pdf:
                from .pdf import print_pdf

                for page in pages:
                    print_pdf(folder / f"{page}.html", folder / f"{page}.pdf",
                              header=f"{case_label} · {audience} edition · lens {lens} · as "
                                     f"of {stamp['as_of']}", exhibit=exhibit)
            return stamp if viewer.sees("exports") else None

        remove_dead_leftovers(final.parent.parent)
        try:
            result = _render(executed_from, final, {
                "case": str(case_path), "protocols": protocols, "lens": lens,
                "as_of": as_of or "", "audience": audience, "redact": redact}, km,
                what=f"{case_path}: the notebook", export=viewer.sees("exports"),
                finish=finish, snapshot=(case_path, raw))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    result.seconds["total"] = time.perf_counter() - t0
    return replace(result, case_sha256=case_digest)


def render_corpus(folder: str | Path | list[str | Path] | list[Path],
                  out_dir: str | Path = "reports",
                  *, lens: str = "then", as_of: str | None = None, protocols: str = "all",
                  shared_plotly: str | Path | None = None, km: Any = None) -> ReportResult:
    """Run ``notebooks/corpus.ipynb`` on a folder of case files (or a list of them) and write
    ``<out>/corpus/<lens>/`` (``now-<as_of>`` for a dated ``now``): ``report.html`` (converted
    like a case report: code hidden, provenance stamp, plotly.js inline unless
    ``shared_plotly``), the executed ``corpus.ipynb``, ``provenance.json`` and the corpus
    tables as CSV — swapped in atomically. Invalid case files do not stop it: the page lists
    them with their problems."""
    import time

    from ..paths import case_files
    from ..views.audience import audience as audience_named
    from .kernel import kernel_for

    t0 = time.perf_counter()
    check_protocol_ids(protocols)
    source: Path | list[Path]
    cases: str | list[str]
    if isinstance(folder, str | Path):
        source = resolve(folder)
        if not source.is_dir():
            raise CasebookError(f"{source}: not a folder of case files")
        label, cases = f"corpus {source.name}", str(source)
    else:
        source = [resolve(p) for p in folder]
        label, cases = f"corpus of {len(source)} case files", [str(p) for p in source]
    final = (Path(out_dir).expanduser().resolve() / "corpus"
             / (f"now-{as_of}" if lens == "now" and as_of else lens))
    notebook = repo_root() / CORPUS_NOTEBOOK

    def finish(nb: Any, folder: Path) -> dict[str, Any]:
        read = [p for p in case_files(source) if p.is_file()]
        named = len({p.name for p in read}) == len(read)
        cases = {f"case file {p.name if named else p}": p for p in read}
        stamp = provenance(report_inputs(notebook, cases), lens, as_of, "corpus", False)
        _write_page(folder, final, nb, audience_named("counsel"), label, stamp, shared_plotly)
        return stamp

    with kernel_for(km) as km:
        result = _render(notebook, final, {
            "cases": cases, "protocols": protocols, "lens": lens, "as_of": as_of or ""}, km,
            what=f"{source}: the corpus notebook", export=True, finish=finish)
    result.seconds["total"] = time.perf_counter() - t0
    return result
