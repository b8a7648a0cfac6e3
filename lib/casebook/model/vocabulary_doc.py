"""``docs/vocabulary.md``, generated from ``data/vocabulary.yaml``: every event type with the
facts it takes, every fact with its type, values and meaning. Committed; a test fails when it
is stale, so the page never drifts from the data."""

from __future__ import annotations

from .vocabulary import FactDef, Vocabulary

__all__ = ["VOCABULARY_DOC", "render_vocabulary_doc"]

VOCABULARY_DOC = "docs/vocabulary.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(fact: FactDef) -> str:
    if fact.type == "enum":
        return "one of " + ", ".join(f"`{v}`" for v in fact.values or [])
    if fact.type == "number":
        return "number or quantity (`6~`, `16..17`, `8000..`)"
    return fact.type


def _facts_for(vocab: Vocabulary, owner: str, kind: str) -> list[str]:
    return [name for name in vocab.facts if vocab.fact_allowed(name, owner, kind)]


def render_vocabulary_doc(vocab: Vocabulary) -> str:
    out = ["# The vocabulary",
           "",
           "Generated from `data/vocabulary.yaml` by `make schema` — do not edit by hand. Every "
           "fact may also be written `unknown` (looked for, and no source says), and as claims "
           "with their own sources when sources disagree (see "
           "[casefile-format.md](casefile-format.md)).",
           "",
           "## Stages", "",
           "| stage | meaning | timeline lane when no agency acts |", "|---|---|---|"]
    out += [f"| `{k}` | {_cell(s.meaning)} | {vocab.lanes[s.lane].label} |"
            for k, s in vocab.stages.items()]
    out += ["", "## Families of event types", "",
            "A rule's `applies_to` and a fact's `on` may name a family instead of its members.",
            "", "| family | members | meaning |", "|---|---|---|"]
    out += [f"| `{k}` | {', '.join(f'`{m}`' for m in f.members)} | {_cell(f.meaning)} |"
            for k, f in vocab.families.items()]
    out += ["", "## Event types and the facts they take", "",
            "| event type | label | stage | harm | facts it takes | meaning |",
            "|---|---|---|---|---|---|"]
    for k, e in vocab.event_types.items():
        facts = ", ".join(f"`{f}`" for f in _facts_for(vocab, "events", k)) or "—"
        key = " (key step)" if e.key_step else ""
        out.append(f"| `{k}` | {_cell(e.label)}{key} | {e.stage} | {e.harm or ''} | "
                   f"{facts} | {_cell(e.meaning)} |")
    out += ["", "## Evidence kinds and the facts they take", "",
            "| kind | facts it takes | meaning |", "|---|---|---|"]
    for k, ev in vocab.evidence_kinds.items():
        facts = ", ".join(f"`{f}`" for f in _facts_for(vocab, "evidence", k)) or "—"
        fr = " Output of a face search." if ev.fr_output else ""
        out.append(f"| `{k}` | {facts} | {_cell(ev.meaning)}{fr} |")
    out += ["", "## Facts", "", "| fact | type | on | meaning |", "|---|---|---|---|"]
    for name, fact in vocab.facts.items():
        out.append(f"| `{name}` | {_cell(_type(fact))} | {_cell(vocab.fact_owners(name))} | "
                   f"{_cell(fact.meaning)} |")
    out += ["", "## Actors", "",
            "| kind | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.actor_kinds.items()]
    out += ["", "| role | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.actor_roles.items()]
    out += ["", "| participant role (in an event) | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.participant_roles.items()]
    out += ["", "## Sources", "", "| account | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.accounts.items()]
    out += ["", "| reliability | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.reliability.items()]
    out += ["", "| source kind | meaning |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in vocab.source_kinds.items()]
    return "\n".join(out) + "\n"
