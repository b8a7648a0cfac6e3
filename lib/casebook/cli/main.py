"""The ``casebook`` command: a thin layer over the library, like papermill's CLI.

Exit codes: 0 ran and nothing to report; 1 ran and something to report (``validate``: problems
found); 2 could not run (invalid input, bad usage). No traceback reaches the user: input
mistakes are printed as located problems, anything unexpected as one line (set
``CASEBOOK_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import CasebookError, InputError, display_path, printable

__all__ = ["main"]

EXIT_OK, EXIT_FOUND, EXIT_CANNOT = 0, 1, 2


def _case_paths(paths: Sequence[str]) -> list[Path]:
    """Expand folders to their YAML files; a path that does not exist is a usage error."""
    from ..paths import case_files

    try:
        return case_files(paths)
    except FileNotFoundError as err:
        raise _Usage(str(err)) from None


class _Usage(Exception):
    pass


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..model.load import check_case_file

    paths = _case_paths(args.paths)
    if not paths:
        raise _Usage("no case files found in " + ", ".join(args.paths))
    bad = 0
    for path in paths:
        problems = check_case_file(path)
        if problems:
            bad += 1
            for problem in problems:
                print(problem)
        elif not args.quiet:
            print(f"{display_path(path)}: ok")
    if len(paths) > 1 or bad:
        print(f"{len(paths)} file{'s' if len(paths) != 1 else ''} checked, {bad} with problems",
              file=sys.stderr)
    return EXIT_FOUND if bad else EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    from ..engine.graph import build_graph
    from ..model.load import load_case
    from ..views.terminal import render_show

    case = load_case(args.path)
    print(printable(render_show(case, build_graph(case), width=args.width)))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from ..engine.findings import evaluate
    from ..engine.protocols import load_protocols
    from ..model.load import load_case
    from ..views.checkreport import render_check

    if len(args.paths) > 1 or Path(args.paths[0]).is_dir():
        return _check_many(args)
    case = load_case(args.paths[0])
    protocols = load_protocols(ids=args.protocol) if args.protocol else load_protocols()
    findings = evaluate(case, protocols, lens=args.lens, as_of=args.as_of)
    if args.format == "csv":
        from ..exports.csv_tables import table_csv
        from ..exports.tables import Table

        sys.stdout.write(table_csv(Table.from_frame(findings)))
    else:
        out = render_check(case, findings, protocols, args.format, width=args.width)
        sys.stdout.write(printable(out) if args.format == "table" else out)
    return EXIT_FOUND if bool(findings["violation"].any()) else EXIT_OK


def _check_many(args: argparse.Namespace) -> int:
    """Many case files (or folders): one findings CSV, judged in worker processes."""
    from ..engine.protocols import load_protocols
    from ..run.check_many import check_cases

    if args.format != "csv":
        raise _Usage("several case files are checked as one table: give --format csv")
    paths = _case_paths(args.paths)
    if not paths:
        raise _Usage("no case files found in " + ", ".join(args.paths))
    if args.protocol:
        load_protocols(ids=args.protocol)  # unknown ids stop here, located
    done = check_cases(paths, protocol_ids=args.protocol, lens=args.lens, as_of=args.as_of,
                       jobs=args.jobs, write=sys.stdout.write,
                       problem=lambda line: print(line, file=sys.stderr))
    sys.stdout.flush()
    print(f"{done.cases} case files checked in {done.seconds:.1f} s: {done.findings} findings, "
          f"{done.with_violations} with violations, {done.invalid} invalid", file=sys.stderr)
    return EXIT_CANNOT if done.invalid else EXIT_FOUND if done.with_violations else EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from ..run.report import render_corpus, render_report

    protocols = _protocols(args)
    if (args.path is None) == (args.corpus is None):
        raise _Usage("give exactly one of a CASE file or --corpus DIR")
    if args.corpus is not None:
        if not Path(args.corpus).is_dir():
            raise _Usage(f"--corpus {args.corpus}: not a folder")
        if args.redact or args.audience != "counsel" or args.pdf:
            raise _Usage("--redact, --audience and --pdf apply to a case report, not to "
                         "--corpus")
        result = render_corpus(args.corpus, args.output, lens=args.lens, as_of=args.as_of,
                               protocols=protocols)
    else:
        if args.exhibit and not args.pdf:
            raise _Usage("--exhibit labels the pages of the PDF: give --pdf too")
        if args.pdf:
            from ..run.pdf import chromium_path

            chromium_path()  # a missing browser stops here, before the notebook runs
        result = render_report(args.path, args.output, audience=args.audience, lens=args.lens,
                               as_of=args.as_of, redact=args.redact, protocols=protocols,
                               notebook=_notebook(args), pdf=args.pdf, exhibit=args.exhibit)
    print(result.html)
    return EXIT_OK


def _cmd_page(args: argparse.Namespace) -> int:
    from ..run.report import render_page

    if not Path(args.notebook).is_file():
        raise _Usage(f"{args.notebook}: no such notebook")
    print(render_page(args.notebook, args.output))
    return EXIT_OK


def _cmd_lesson(args: argparse.Namespace) -> int:
    from ..run.lesson import write_lesson_notebook

    if args.audience not in ("trainer", "student"):
        raise _Usage("a lesson is for a trainer or a student (--audience trainer|student)")
    print(write_lesson_notebook(args.path, args.output, protocols=_protocols(args),
                                lens=args.lens, as_of=args.as_of, audience=args.audience,
                                redact=args.redact))
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from ..run.batch import CaseOutcome, run_batch

    def progress(done: int, total: int, case: CaseOutcome) -> None:
        name = case.case or Path(case.path).name
        extra = f" — {printable(case.error.splitlines()[0])}" if case.error else ""
        filled = round(20 * done / total) if total else 20
        print(f"[{'#' * filled}{'.' * (20 - filled)}] {done}/{total} {name}: {case.status} "
              f"({case.seconds:.1f} s){extra}", file=sys.stderr, flush=True)

    result = run_batch(args.paths, args.output, jobs=args.jobs, audience=args.audience,
                       redact=args.redact,
                       lens=args.lens, as_of=args.as_of, force=args.force,
                       standalone=args.standalone, protocols=_protocols(args),
                       notebook=_notebook(args), progress=progress, scheduler=args.scheduler)
    print(result.out / "index.html")
    failed = [c for c in result.cases if c.status in ("failed", "invalid")]
    for c in failed:
        print(printable(f"{c.status}: {c.path}\n  " + c.error.replace("\n", "\n  ")),
              file=sys.stderr)
    if result.corpus_error:
        print(printable("failed: the corpus page\n  " + result.corpus_error.replace("\n", "\n  ")),
              file=sys.stderr)
    print(f"{len(result.cases)} cases in {result.seconds:.1f} s; "
          f"{sum(c.status == 'ok' for c in result.cases)} rendered, "
          f"{sum(c.status == 'up-to-date' for c in result.cases)} up to date, "
          f"{len(failed)} failed or invalid", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_CANNOT


def _cmd_synth(args: argparse.Namespace) -> int:
    from ..testing.synth import write_planted

    if args.cases < 1 or args.events < 1 or args.seed < 0:
        raise _Usage("--cases and --events must be at least 1, and --seed at least 0")
    for path in write_planted(args.output, args.cases, args.events, args.seed):
        print(display_path(path))
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from ..intake import SpreadsheetError, import_spreadsheet

    out = Path(args.output)
    if out.exists() or out.is_symlink():
        raise _Usage(f"{display_path(out)} exists: casebook import never overwrites a file; "
                     "give a new name")
    companions = {name: path for name, path in (
        ("Case", args.case), ("Sources", args.sources), ("Actors", args.actors),
        ("Evidence", args.evidence), ("Claims", args.claims)) if path}
    if companions and Path(args.spreadsheet).suffix.lower() != ".csv":
        raise _Usage("--case, --sources, --actors, --evidence and --claims go with a .csv "
                     "chronology; a workbook has them as sheets")
    try:
        imported = import_spreadsheet(args.spreadsheet, case_id=args.id,
                                      companions=companions, output=out)
    except SpreadsheetError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        count = len(err.problems)
        print(f"{count} problem{'s' if count != 1 else ''}; nothing written", file=sys.stderr)
        return EXIT_FOUND
    for note in imported.notes:
        print(note, file=sys.stderr)
    return _written_new(out, imported.text.encode("utf-8"), "import")


def _cmd_new(args: argparse.Namespace) -> int:
    from ..model.integrity import is_slug

    if not is_slug(args.id):
        raise _Usage(f"{args.id!r} is not a case id: lower-case letters, digits and hyphens, "
                     "e.g. city-store-2019")
    out = Path(args.output)
    if args.xlsx:
        from ..exports.case_workbook import template_bytes

        data = template_bytes(args.id)
    else:
        from ..intake import starter_case

        data = starter_case(args.id, out).encode("utf-8")
    return _written_new(out, data, "new")


def _written_new(out: Path, data: bytes, command: str) -> int:
    """Write a file that must not exist yet, and print its path."""
    from ..atomic import write_bytes_new

    try:
        write_bytes_new(out, data)
    except FileExistsError:
        raise _Usage(f"{display_path(out)} exists: casebook {command} never overwrites a "
                     "file") from None
    print(display_path(out))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from ..exports.case_export import case_export, export_case
    from ..views.audience import audience

    if not audience(args.audience).sees("exports"):
        raise _Usage(f"the {args.audience} edition has no exports (data/audiences.yaml)")
    _check_export_path(args.to, Path(args.output))
    source = case_export(args.path, lens=args.lens, as_of=args.as_of, audience=args.audience,
                         redact=args.redact, protocols=_protocols(args))
    for path in export_case(source, args.to, args.output):
        print(display_path(path))
    return EXIT_OK


def _check_export_path(name: str, out: Path) -> None:
    """A format's file carries its suffix (a program opens it by it); a folder format needs a
    folder."""
    from ..exports import FORMATS, load_formats

    load_formats()
    suffix = FORMATS[name].suffix
    if suffix == "/":
        if out.exists() and not out.is_dir():
            raise _Usage(f"-o {display_path(out)}: {name} writes a folder of files, and this "
                         "is a file")
    elif not out.name.lower().endswith(suffix):
        raise _Usage(f"-o {display_path(out)}: the {name} export is a {suffix} file "
                     f"(e.g. {out.stem.split('.')[0] or 'case'}{suffix})")


def _export_formats() -> list[str]:
    from ..exports import FORMATS, load_formats

    load_formats()
    return sorted(name for name, fmt in FORMATS.items() if fmt.write_case)


def _protocols(args: argparse.Namespace) -> str:
    return ",".join(args.protocol) if args.protocol else "all"


def _as_of(text: str) -> str:
    from ..model.dates import DateSyntaxError, parse_edtf

    try:
        parse_edtf(text)
    except DateSyntaxError as err:
        raise argparse.ArgumentTypeError(err.message) from None
    return text


def _audience(name: str) -> str:
    from ..views.audience import audience

    try:
        audience(name)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return name


def _default_reports() -> Path:
    from ..paths import repo_root

    return repo_root() / "reports"


def _variant_arguments(p: argparse.ArgumentParser, *, audience: bool) -> None:
    """What a report variant is computed under: shared by check, report and batch."""
    if audience:
        p.add_argument("--audience", type=_audience, default="counsel",
                       help="counsel, trainer or student (data/audiences.yaml; default: counsel)")
    p.add_argument("--lens", choices=["then", "now", "best"], default="then",
                   help="then: in force and binding at the time; now: on --as-of; "
                        "best: every standard as a benchmark (default: then)")
    p.add_argument("--as-of", type=_as_of, default=None, metavar="DATE",
                   help="the date for the `now` lens (EDTF day; default: today)")
    p.add_argument("--protocol", action="append", metavar="ID",
                   help="a protocol id (repeatable; default: all)")


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="casebook",
        description="Rebuild a police case as a sourced event graph and check it against "
                    "written protocols.")
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check case files and list every problem",
                       description="Check case files; print every problem as "
                                   "file:line:column: field: message. Exit 1 if any.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="case files or folders of them")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("show", help="print a case's chronology and graph summary",
                       description="Print the chronology (date as recorded, event, who, "
                                   "sources, disputed marker) and a summary of the graph.")
    p.add_argument("path", metavar="PATH", help="a case file")
    p.add_argument("--width", type=int, default=100, help="terminal width (default 100)")
    p.set_defaults(run=_cmd_show)

    p = sub.add_parser("check", help="check a case against protocols; exit 1 on violations",
                       description="Evaluate a case against the protocols under a lens "
                                   "(several case files or folders: one CSV of every "
                                   "finding, no rendering). "
                                   "Exit 0: no violations; 1: violations; 2: invalid input. "
                                   "Unknowns never change the exit code.")
    p.add_argument("paths", nargs="+", metavar="CASE",
                   help="a case file; or several, or folders, with --format csv")
    _variant_arguments(p, audience=False)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes for several case files (default: cores)")
    p.add_argument("--width", type=int, default=100, help="table width (default 100)")
    p.set_defaults(run=_cmd_check)

    p = sub.add_parser("report", help="render the case-study report (HTML, notebook, tables)",
                       description="Execute the case-study notebook for one variant and write "
                                   "its folder: report.html (self-contained), and except for "
                                   "students the executed notebook, the CSV tables, "
                                   "workbook.xlsx, chronology.docx and case.xlsx (the case to "
                                   "edit and import back). Prints the HTML path. "
                                   "With --corpus DIR instead of CASE: the cross-case report "
                                   "of every case file in DIR, in <output>/corpus/<lens>/.")
    p.add_argument("path", metavar="CASE", nargs="?", default=None, help="a case file")
    p.add_argument("--corpus", metavar="DIR", default=None,
                   help="a folder of case files: render the cross-case report instead")
    p.add_argument("-o", "--output", default=str(_default_reports()), metavar="DIR",
                   help="output folder (default: reports/ in the checkout)")
    _variant_arguments(p, audience=True)
    p.add_argument("--redact", action="store_true",
                   help="private persons by role only; ids and URLs that name them aliased "
                        "or withheld (docs/security.md)")
    p.add_argument("--pdf", action="store_true",
                   help="also write report.pdf (needs Debian's chromium)")
    p.add_argument("--exhibit", default=None, metavar="LABEL",
                   help='with --pdf: an exhibit label on every page, e.g. "Ex. 12"')
    _notebook_argument(p)
    p.set_defaults(run=_cmd_report)

    p = sub.add_parser("page", help="the offline page of a notebook executed elsewhere",
                       description="Turn a case-study notebook executed by the papermill CLI "
                                   "(or in JupyterLab) into the same self-contained page "
                                   "`report` writes, figures drawn offline. Prints its path.")
    p.add_argument("notebook", metavar="EXECUTED.ipynb")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="the page to write (default: beside the notebook, .html)")
    p.set_defaults(run=_cmd_page)

    p = sub.add_parser("lesson", help="write a case's classroom notebook, a cell per decision "
                                      "point, to open in JupyterLab",
                       description="Write the case-study notebook expanded for one case: one "
                                   "cell per decision point of its lesson, the parameters set, "
                                   "to step through in JupyterLab (`report --audience trainer` "
                                   "runs the same notebook). Prints its path.")
    p.add_argument("path", metavar="CASE")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ipynb")
    p.add_argument("--audience", type=_audience, default="trainer",
                   help="trainer (answers on a click) or student (default: trainer)")
    _variant_arguments(p, audience=False)
    p.add_argument("--redact", action="store_true", help="private persons by role only")
    p.set_defaults(run=_cmd_lesson)

    p = sub.add_parser("batch", help="render reports for many case files, in parallel",
                       description="Validate every case file, then render the case-study "
                                   "report of each stale one in worker processes; skip what "
                                   "is up to date; write index.html, summary.csv and "
                                   "findings.csv. Exit 2 if any case was invalid or failed.")
    p.add_argument("paths", nargs="+", metavar="PATHS_OR_DIR")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--scheduler", default=None, metavar="local|tcp://HOST:PORT",
                   help="render on Dask: 'local' starts a LocalCluster of --jobs workers; an "
                        "address uses a running cluster sharing this filesystem "
                        "(docs/batch.md)")
    _variant_arguments(p, audience=True)
    p.add_argument("--force", action="store_true", help="rerun everything")
    p.add_argument("--standalone", action="store_true",
                   help="embed plotly.js in every report instead of sharing one copy")
    p.add_argument("--redact", action="store_true",
                   help="redacted reports; the index, summary and manifest name no case file "
                        "and no case (no corpus page: it would compare named cases)")
    _notebook_argument(p)
    p.set_defaults(run=_cmd_batch)

    p = sub.add_parser("import", help="make a case file from a chronology in a spreadsheet",
                       description="Read a chronology kept in a spreadsheet (.xlsx with an "
                                   "Events sheet and optional Case, Sources, Actors, Evidence, "
                                   "Claims and Exercises sheets, or a .csv of events) and write "
                                   "the case file it makes, proven to validate. Every problem "
                                   "is printed with its place (file.csv:14:when, "
                                   "file.xlsx:Events!C14); then exit 1 and nothing is written. "
                                   "An existing file is never overwritten. See "
                                   "docs/spreadsheet-import.md.")
    p.add_argument("spreadsheet", metavar="CHRONOLOGY", help="a .xlsx or .csv file")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the case file to write (must not exist)")
    p.add_argument("--id", default=None, help="the case id (default: the Case sheet's, else "
                                              "the output file's name)")
    for name in ("case", "sources", "actors", "evidence", "claims"):
        p.add_argument(f"--{name}", default=None, metavar="CSV",
                       help=f"with a .csv chronology: the {name.capitalize()} sheet as CSV")
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("new", help="write a starter case file (or spreadsheet template)",
                       description="Write a commented starter case file that validates, with "
                                   "the schema line for editors; with --xlsx, the spreadsheet "
                                   "template `casebook import` reads, with a Read me sheet.")
    p.add_argument("id", metavar="ID", help="the case id, e.g. city-store-2019")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write (must not exist)")
    p.add_argument("--xlsx", action="store_true", help="write the spreadsheet template")
    p.set_defaults(run=_cmd_new)

    p = sub.add_parser("export", help="write a case for another tool (TimelineJS, Gephi, "
                                      "PROV, Aleph, a spreadsheet)",
                       description="Write one case in a format other tools read: "
                                   + "; ".join(f"{n}" for n in _export_formats())
                                   + ". --redact applies to every format. See "
                                     "docs/exports.md.")
    p.add_argument("path", metavar="CASE", help="a case file")
    p.add_argument("--to", required=True, choices=_export_formats(), metavar="FORMAT",
                   help="one of: " + ", ".join(_export_formats()))
    p.add_argument("-o", "--output", required=True, metavar="PATH",
                   help="the file to write (a folder for csv)")
    _variant_arguments(p, audience=True)
    p.add_argument("--redact", action="store_true",
                   help="private persons by role only; ids and URLs that name them aliased "
                        "or withheld (docs/security.md)")
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser("synth", help="write synthetic cases with planted protocol failures",
                       description="Write N valid case files of about M events each into DIR, "
                                   "clean except for planted protocol failures, each with a "
                                   "<case>.expected.json listing the (rule, event) findings "
                                   "that must fail or be unknown; and manifest.json. The same "
                                   "seed writes the same bytes.")
    p.add_argument("--cases", type=int, default=10, metavar="N", help="how many (default 10)")
    p.add_argument("--events", type=int, default=26, metavar="M",
                   help="about how many events per case (default 26)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(run=_cmd_synth)
    return parser


def _notebook_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--notebook", default=None, metavar="NB",
                   help="another parameterized notebook taking the case study's parameters "
                        "(default: notebooks/case-study.ipynb)")


def _notebook(args: argparse.Namespace) -> str | None:
    notebook = str(args.notebook) if args.notebook else None
    if notebook and not Path(notebook).is_file():
        raise _Usage(f"--notebook {notebook}: no such notebook")
    return notebook


class _Stopped(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that every ``finally`` runs: a report's
    temporary folder and kernel are removed on the way out."""


def _on_sigterm(_signum: int, _frame: Any) -> None:
    raise _Stopped


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) \
        if threading.current_thread() is threading.main_thread() else None
    try:
        return int(args.run(args))
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_CANNOT
    except _Usage as err:
        print(printable(f"casebook {args.command}: {err}"), file=sys.stderr)
        return EXIT_CANNOT
    except CasebookError as err:
        print(printable(f"casebook {args.command}: {err}"), file=sys.stderr)
        return EXIT_CANNOT
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (_Stopped)
        # Every ``finally`` has run (temporary folder, kernel); leave now, before asyncio
        # reports on the kernel tasks it was waiting for as the interpreter shuts down.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + (signal.SIGTERM if isinstance(stop, _Stopped) else signal.SIGINT))
    except BrokenPipeError:
        return EXIT_OK
    except OSError as err:  # an output that cannot be written: no room, no permission
        where = err.filename or "the output folder"
        print(printable(f"casebook {args.command}: cannot write {where}: "
                        f"{err.strerror or err}"), file=sys.stderr)
        return EXIT_CANNOT
    except Exception as err:  # the last line of defence: never a traceback for the user
        if os.environ.get("CASEBOOK_DEBUG"):
            raise
        print(printable(f"casebook {args.command}: internal error: {type(err).__name__}: {err} "
                        "(set CASEBOOK_DEBUG=1 for details)"), file=sys.stderr)
        return EXIT_CANNOT
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
