"""Rendering ``casebook check`` results: a 100-column table, CSV, or JSON."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from typing import Any

import pandas as pd

from ..engine.consequences import consequences, custody, discovery_list
from ..engine.findings import DISCLAIMER
from ..engine.protocols import Protocol
from ..model.case import Case

__all__ = ["check_summary", "render_check"]


def check_summary(case: Case, findings: pd.DataFrame, protocols: list[Protocol]
                  ) -> dict[str, Any]:
    """Everything ``check`` reports, as plain data (the JSON output)."""
    cons = consequences(case, findings, protocols)
    lens = str(findings["lens"].iloc[0]) if not findings.empty else ""
    as_of = str(findings["as_of"].iloc[0]) if not findings.empty else ""
    records = findings.assign(event_earliest=findings["event_earliest"].map(str)
                              ).to_dict(orient="records")
    chains = cons.chains.assign(event_earliest=cons.chains["event_earliest"].map(str))
    return {
        "case": case.id,
        "title": case.title,
        "lens": lens,
        "as_of": as_of,
        "disclaimer": DISCLAIMER,
        "counts": {s: int((findings["status"] == s).sum())
                   for s in ("fail", "pass", "unknown", "not_applicable")}
        | {"violations": int(findings["violation"].sum()) if not findings.empty else 0},
        "findings": records,
        "failure_chains": chains.to_dict(orient="records"),
        "earliest_preventable": cons.earliest,
        "counterfactuals": cons.counterfactuals,
        "discovery": discovery_list(findings).to_dict(orient="records"),
        "custody": custody(case),
    }


def _short_basis(basis: str) -> str:
    """'the plaintiff's account' → 'plaintiff' for the narrow table column."""
    return (basis.removeprefix("the ").removesuffix(" account").removesuffix("'s")
            or "—")


def _tri(v: str) -> str:
    return {"yes": "yes", "no": "no", "uncertain": "unsure"}.get(v, v)


def _table(case: Case, findings: pd.DataFrame, protocols: list[Protocol], width: int) -> str:
    s = check_summary(case, findings, protocols)
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="    ")
    lines = [case.title, f"lens: {s['lens']}" + (f" (as of {s['as_of']})" if s["as_of"] else "")
             + f" · {len(protocols)} standards · {len(findings)} findings", ""]
    lines += [*wrap.wrap(DISCLAIMER), ""]
    c = s["counts"]
    lines.append(f"violations: {c['violations']} · fail: {c['fail']} · pass: {c['pass']} · "
                 f"unknown: {c['unknown']} · not applicable: {c['not_applicable']}")
    head = (f"{'rule':<18} {'event':<22} {'status':<8} {'on whose account':<17} {'force':<7}"
            f"{'binds':<7}counts")
    lines += ["", head, "-" * min(width, len(head) + 2)]
    shown = findings[findings["status"].isin(["fail", "unknown"])]
    shown = shown.sort_values(["violation", "status"], ascending=[False, True], kind="stable")
    for r in shown.itertuples():
        mark = "FAIL*" if r.violation else str(r.status)
        lines.append(f"{r.rule[:18]:<18} {r.event[:22]:<22} {mark:<8} "
                     f"{_short_basis(str(r.basis)):<17} {_tri(r.in_force):<7}{_tri(r.binds):<7}"
                     f"{'yes' if r.counts else 'no'}")
    lines += ["", "FAIL* = a violation: the record fails the rule and it counts under this lens."]
    if s["failure_chains"]:
        lines += ["", "What the violations led to:"]
        for ch in s["failure_chains"]:
            harms = ", ".join(ch["harms"]) or "no later harm"
            lines += wrap.wrap(f"  {ch['rule']} at {ch['event']} ({ch['event_date']}) → {harms}")
    if s["earliest_preventable"]:
        lines += ["", "Earliest preventable point:"]
        lines += wrap.wrap("  " + s["earliest_preventable"]["sentence"])
    if s["counterfactuals"]:
        lines += ["", "By standard:"]
        for proto, sentence in s["counterfactuals"].items():
            lines += wrap.wrap(f"  {proto}: {sentence}")
    if s["discovery"]:
        lines += ["", "Ask for (the record is silent):"]
        for d in s["discovery"]:
            lines += wrap.wrap(f"  {d['held_by']}: {d['record']} — decides {d['rules']}")
    return "\n".join(lines) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set):
        return sorted(value)
    return str(value)


def render_check(case: Case, findings: pd.DataFrame, protocols: list[Protocol], fmt: str,
                 width: int = 100) -> str:
    """The findings as text (``table``) or JSON; CSV is an export (``exports.csv_tables``)."""
    if fmt == "json":
        return json.dumps(check_summary(case, findings, protocols), indent=2,
                          default=_json_default) + "\n"
    return _table(case, findings, protocols, width)
