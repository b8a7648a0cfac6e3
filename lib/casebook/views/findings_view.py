"""Findings as a lawyer reads them: by step, each failure once, in words.

The engine's rows are for programs (``check --format json``, ``findings.csv``): one per rule
and step, booleans, slugs, a full explanation each. A reader wants the step, what failed and
under which standards, on whose account, whether it counts under the lens, why — once — and
the chain of evidence that decides it, named as people name things: "face-search candidate →
photo array → witness's pick → warrant request". Rules that fail at the same step for the same
reason share one row.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..model.case import Case
from ..model.vocabulary import Vocabulary
from .citations import Citation, compact, pinned

__all__ = ["STATUS_WORDS", "chain_text", "node_label", "plain_explanation", "readable_findings"]

STATUS_WORDS = {"fail": "Fails", "unknown": "The record cannot tell", "pass": "Met",
                "not_applicable": "Does not apply"}
_CHAIN = re.compile(r" \((?:[^()]*? → [^()]*?)\)")


def node_label(case: Case, node: str) -> str:
    """An event by its type's label, an evidence item by its kind's label (or summary)."""
    if node in case.event_by_id:
        etype = case.event_by_id[node].type
        found = case.vocabulary.event_types.get(etype)
        return (found.label if found else etype.replace("-", " ")).lower()
    item = case.evidence.get(node)
    if item is not None:
        kind = case.vocabulary.evidence_kinds.get(item.kind)
        return (kind.label if kind and kind.label else item.kind.replace("-", " "))
    return node


def chain_text(case: Case, decided_by: str) -> str:
    """``fr-candidate → photo-array → lineup-pick`` in human labels, consecutive repeats
    merged; several chains one per line."""
    chains = []
    for chain in filter(None, (c.strip() for c in decided_by.split(";"))):
        labels: list[str] = []
        for node in (n.strip() for n in chain.split("→")):
            label = node_label(case, node)
            if not labels or labels[-1] != label:
                labels.append(label)
        chains.append(" → ".join(labels))
    return "\n".join(dict.fromkeys(chains))


def plain_explanation(case: Case, text: str) -> str:
    """The engine's explanation without the chain it spells out in parentheses (shown on its
    own), enum values in words — in one pass, so a label put in is never rewritten."""
    text = _CHAIN.sub("", text)
    pattern, words = _value_words(case.vocabulary)
    return pattern.sub(lambda m: words[m.group(1)], text) if pattern else text


_VALUE_WORDS: dict[int, tuple[Vocabulary, re.Pattern[str] | None, dict[str, str]]] = {}


def _value_words(vocabulary: Vocabulary) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Every fact value that has a label (the first fact's label, where two share a value),
    and one pattern finding them, longest first: built once per vocabulary."""
    known = _VALUE_WORDS.get(id(vocabulary))
    if known is None or known[0] is not vocabulary:
        words: dict[str, str] = {}
        for fact in vocabulary.facts.values():
            for value, label in fact.value_labels.items():
                words.setdefault(value, label)
        alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])") if words else None
        known = _VALUE_WORDS[id(vocabulary)] = (vocabulary, pattern, words)
    return known[1], known[2]


def _yes_no(flag: Any) -> str:
    return "Yes" if bool(flag) else "No"


def readable_findings(case: Case, findings: pd.DataFrame,
                      statuses: tuple[str, ...] = ("fail", "unknown")) -> pd.DataFrame:
    """One row per step, outcome, account and reason, with every rule that shares them."""
    columns = ["step", "finding", "on whose account", "standards", "counts under the lens",
               "why", "deciding chain", "sources"]
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    mine = findings[findings["status"].isin(statuses)]
    mine = mine.sort_values(["event_earliest", "event", "violation", "rule"],
                            ascending=[True, True, False, True], kind="stable")
    for r in mine.itertuples():
        why = plain_explanation(case, str(r.explanation))
        key = (str(r.event), str(r.status), str(r.basis), why)
        event = case.event_by_id.get(str(r.event))
        if key not in rows:
            step = f"{node_label(case, str(r.event)).capitalize()} ({r.event_date})"
            rows[key] = {"step": step, "finding": STATUS_WORDS.get(str(r.status), r.status),
                         "on whose account": str(r.basis) or "undisputed",
                         "standards": [], "counts under the lens": [], "why": why,
                         "deciding chain": chain_text(case, str(r.decided_by)),
                         "sources": []}
        row = rows[key]
        row["standards"].append(f"{r.rule} ({r.protocol_short}): {r.rule_title}")
        row["counts under the lens"].append(f"{r.rule}: {_yes_no(r.counts)}")
        cited: list[Citation] = row["sources"]
        for c in pinned(case, event, str(r.sources).split("; ") if r.sources else []):
            if c.text not in {x.text for x in cited}:
                cited.append(c)
    out = [{**row, "standards": "\n".join(row["standards"]),
            "counts under the lens": "\n".join(row["counts under the lens"]),
            "sources": compact(row["sources"])} for row in rows.values()]
    return pd.DataFrame(out, columns=columns)
