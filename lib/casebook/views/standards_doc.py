"""``docs/standards.md``, generated from ``data/protocols/`` and ``data/patterns.yaml``: every
standard with its authority, whom it binds, when it is in force, how well its text is known, and
each rule with the check that decides it; then the failure patterns that group those rules.
Committed; a test fails when it is stale.

Run ``python -m casebook.views.standards_doc --write`` (``make schema`` does).
"""

from __future__ import annotations

import argparse
import sys

from ..engine.patterns import load_patterns
from ..engine.protocols import Protocol, load_protocols
from ..paths import repo_root

__all__ = ["STANDARDS_DOC", "render_standards_doc"]

STANDARDS_DOC = "docs/standards.md"


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def _binds(p: Protocol) -> str:
    b = p.binds
    parts = []
    if b.national:
        parts.append("every US prosecution")
    if b.agencies:
        parts.append(", ".join(b.agencies))
    if b.states:
        parts.append(f"{', '.join(b.states)} ({', '.join(b.branches)})")
    if b.federal:
        parts.append("federal agencies")
    return "; ".join(parts) or "nobody (a benchmark)"


def _in_force(p: Protocol) -> str:
    f = p.in_force
    text = f"from `{f.start}`" if f.start is not None else "start unknown"
    if f.until is not None:
        text += f" to `{f.until}`"
    if f.offenses_from is not None:
        text += f"; offenses from `{f.offenses_from}`"
    return text


def render_standards_doc() -> str:
    protocols = sorted(load_protocols(), key=lambda p: (p.authority, p.id))
    out = ["# The standards",
           "",
           "Generated from `data/protocols/` and `data/patterns.yaml` by `make schema` — do "
           "not edit by hand. The "
           "format is in [protocol-format.md](protocol-format.md), the checks in "
           "[checks.md](checks.md). A protocol failure is not by itself a finding that "
           "anything was unlawful.",
           "",
           f"{len(protocols)} standards, {sum(len(p.rules) for p in protocols)} checkable "
           f"rules, {sum(len(p.not_checkable) for p in protocols)} provisions listed as not "
           "checkable.",
           "",
           "| standard | authority | binds | in force | text known | rules / not checkable |",
           "|---|---|---|---|---|---|"]
    for p in protocols:
        out.append(f"| [{_cell(p.short)}](#{p.id}) | {p.authority} | {_cell(_binds(p))} | "
                   f"{_in_force(p)} | {p.text_known} | {len(p.rules)} / "
                   f"{len(p.not_checkable)} |")
    for p in protocols:
        out += ["", f'<a id="{p.id}"></a>', "", f"## {_cell(p.title)}", "",
                f"`data/protocols/{p.id}.yaml` · {p.authority} · binds: "
                f"{_cell(p.binds.description)}"
                + (f" · presupposes: {p.premise}" if p.premise else ""), ""]
        if p.rules:
            out += ["| rule | applies to | check | confidence |", "|---|---|---|---|"]
            for r in p.rules:
                check, params = p.check_of(r)
                reserved = " (a court decides the rest)" if r.court_decides else ""
                out.append(f"| `{r.id}` {_cell(r.title)} | {', '.join(r.applies_to)} | "
                           f"{_cell(check.describe(params))}{reserved} | {r.confidence} |")
        if p.not_checkable:
            out += ["", "Not checkable: " + "; ".join(
                f"`{n.id}` {_cell(n.title)} ({_cell(n.reason)})" for n in p.not_checkable)]
    return "\n".join(out + _patterns_section(protocols)) + "\n"


def _patterns_section(protocols: list[Protocol]) -> list[str]:
    """The failure patterns of the corpus page, each rule linked to its standard."""
    home = {r.id: p.id for p in protocols for r in p.rules}
    table = load_patterns()
    out = ["", '<a id="failure-patterns"></a>', "", "## Failure patterns", "",
           "The corpus page counts a case as showing a pattern when any of its rules fails "
           "there ([corpus.md](corpus.md)). *Reference row*: the row of the reference's "
           "cross-case pattern table the pattern follows; — for a pattern of casebook's own.",
           "", "| pattern | rules | reference row |", "|---|---|---|"]
    for pattern in table.patterns:
        rules = ", ".join(f"[`{r}`](#{home[r]})" if r in home else f"`{r}`"
                          for r in pattern.rules)
        out.append(f"| {_cell(pattern.name)} | {rules} | {_cell(pattern.reference) or '—'} |")
    if table.not_yet_checkable:
        out += ["", "Named by the reference, detected by no rule yet (listed on the corpus "
                "page, never counted): " + "; ".join(
                    f"*{_cell(k)}* ({_cell(v)})" for k, v in table.not_yet_checkable.items())]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebook.views.standards_doc")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    target = repo_root() / STANDARDS_DOC
    text = render_standards_doc()
    if args.write:
        from ..atomic import write_text_atomic

        write_text_atomic(target, text)
        print(f"wrote {STANDARDS_DOC}")
        return 0
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if current != text:
        print(f"{STANDARDS_DOC} is stale: run `make schema`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
