"""The spreadsheet layout of a case: its sheets, their columns, and what each column means.

One definition, read by the importer (:mod:`.build`), written by the template and by
``casebook export --to xlsx`` (:mod:`casebook.exports.case_workbook`) and shown in the docs,
so what is written can always be read back. Column headers are matched without regard to
case, spaces, hyphens or underscores (``Derived from`` = ``derived_from``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CLAIM_COLUMNS", "REDACTED_MARK", "SHEETS", "Column", "SheetLayout",
           "columns_markdown", "header_key", "sheet_named"]


@dataclass(frozen=True)
class Column:
    name: str  # the header as written; its key (header_key) is what is matched
    meaning: str
    required: bool = False
    field: str | None = None  # the case-file key, when not the name with underscores
    kind: str = "text"  # text, list, bool, date, sources, who, facts
    #: Other headers read as this column, as other tools name it (CaseMap's "Date & Time",
    #: "Fact Text", "Source(s)").
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return header_key(self.name)

    @property
    def yaml_key(self) -> str:
        return self.field or self.key


@dataclass(frozen=True)
class SheetLayout:
    name: str
    meaning: str
    columns: tuple[Column, ...]
    required: bool = False

    def column(self, key: str) -> Column | None:
        """The column a header key names, itself or by one of its aliases."""
        return next((c for c in self.columns if c.key == key
                     or key in (header_key(a) for a in c.aliases)), None)


def header_key(header: str) -> str:
    """``Derived from`` → ``derived_from``: a header as the importer matches it."""
    return re.sub(r"[\s\-_]+", "_", header.strip().casefold()).strip("_")


_SOURCES = ("Source ids, one a line (or separated by ';'), each optionally with a pinpoint "
            "in braces: `aclu-complaint {page: 12, paragraph: 48}`.")
_LIST = "Ids, separated by commas or one a line."

CASE = SheetLayout("Case", "One row per key: the case's id, title, jurisdiction, summary…", (
    Column("key", "id, title, jurisdiction, summary, state, country or tags.", True),
    Column("value", "Its value (tags separated by commas).", True),
))

EVENTS = SheetLayout("Events", "One row per event, in any order. A further row with the same "
                     "id adds a competing account: its date, place and fact cells become "
                     "claims of their own, cited to that row's sources.", (
    Column("id", "A lower-case slug naming the event (made from `what` when empty)."),
    Column("when", "The date as written: EDTF (`2019-07`, `2019-07~`, `2019-03/2019-04`, "
           "`[2019-07..2019-08-23]`) or common forms (`Jan 2020`, `about March 2019`, "
           "`2019-07 to 2019-08-23`, `between 2019-07-01 and 2019-07-15`, `spring 2019`, "
           "`before 2020-01-09`); competing dates in one cell separated by ` | `.", True,
           kind="date", aliases=("date", "date & time", "date and time")),
    Column("type", "An event type from the vocabulary (docs/vocabulary.md).", True,
           aliases=("event type",)),
    Column("what", "What happened, in a sentence.", True, field="summary",
           aliases=("summary", "fact text", "fact", "event", "description")),
    Column("label", "A short name for figures (at most 40 characters)."),
    Column("where", "Where it happened."),
    Column("who", "Participants by role, one role a line or separated by ';': "
           "`by: dpd, msp; requested_by: detective`. A bare list of ids means `by`.",
           kind="who", field="participants", aliases=("participants",)),
    Column("uses", "Evidence ids the event used.", kind="list"),
    Column("produces", "Evidence ids the event produced.", kind="list"),
    Column("follows", "Event ids this event follows.", kind="list"),
    Column("sources", _SOURCES, kind="sources", aliases=("source", "source(s)")),
    Column("account", "Whose account, when not the sources'."),
    Column("confidence", "`single-source` when only one stored source says so."),
    Column("context", "Yes for background to the case, not a step in it.", kind="bool"),
    Column("facts", "Facts as `name=value` pairs, one a line or separated by ';'. A column "
           "headed by a fact's name (`peer_reviewed`) works too.", kind="facts"),
    Column("note", "The author's note."),
))

SOURCES = SheetLayout("Sources", "One row per source.", (
    Column("id", "A lower-case slug naming the source.", True),
    Column("title", "Its title.", True),
    Column("publisher", "Who published it.", True),
    Column("date", "Publication date (as for `when`).", kind="date"),
    Column("url", "http(s) address of the stored copy."),
    Column("kind", "A source kind from the vocabulary (news-report, court-filing, …).", True),
    Column("account", "Whose account: plaintiff, police, prosecutor, court, neutral, …", True),
    Column("reliability", "primary, secondary or aggregator.", True),
    Column("mirror_of", "Id of the source this one copies."),
    Column("accessed", "When it was read (as for `when`).", kind="date"),
    Column("author", "Its author."),
    Column("exhibit", "The exhibit number it is filed as, e.g. `Ex. 12`."),
    Column("cite", "A short citation form."),
    Column("note", "The author's note."),
))

ACTORS = SheetLayout("Actors", "One row per person, agency or organisation.", (
    Column("id", "A lower-case slug naming the actor.", True),
    Column("ref", "Id of a shared actor in data/registry.yaml (then no name or kind)."),
    Column("name", "Only if a source names them; never invented."),
    Column("kind", "person, agency, unit, organization, court, vendor."),
    Column("roles", "Actor roles from the vocabulary, separated by commas.", kind="list"),
    Column("affiliation", "Actor id of the agency or employer."),
    Column("description", "Who this is, for an unnamed actor."),
    Column("private", "Yes for a private person (redacted reports hide the name).",
           kind="bool"),
    Column("minor", "Yes for a minor: never named.", kind="bool"),
    Column("state", "Two-letter state code of an agency, unit or court."),
    Column("branch", "police, prosecution, court, corrections, government or other."),
    Column("level", "local, state or federal."),
    Column("sources", _SOURCES, kind="sources"),
    Column("facts", "Facts as `name=value` pairs.", kind="facts"),
    Column("note", "The author's note."),
))

EVIDENCE = SheetLayout("Evidence", "One row per evidence item.", (
    Column("id", "A lower-case slug naming the item.", True),
    Column("kind", "An evidence kind from the vocabulary.", True),
    Column("label", "A short name for figures."),
    Column("summary", "What it is."),
    Column("derived_from", "Evidence ids it was made from.", kind="list"),
    Column("implicates", "Actor ids of the people it points at.", kind="list"),
    Column("held_by", "Actor id of who holds the record."),
    Column("sources", _SOURCES, kind="sources"),
    Column("facts", "Facts as `name=value` pairs.", kind="facts"),
    Column("note", "The author's note."),
))

#: The columns of a claim: one row of the Claims sheet, a fact's value as one source states it.
CLAIM_COLUMNS = (
    Column("about", "`event ID`, `evidence ID` or `actor ID`.", True),
    Column("fact", "A fact name from the vocabulary, or `when` / `where` of an event.", True),
    Column("value", "The value as that account gives it (`unknown`: no source says).", True),
    Column("sources", _SOURCES, kind="sources"),
    Column("account", "Whose account, when not the sources'."),
    Column("confidence", "`single-source` when only one stored source says so."),
    Column("rejected", "Why this recorded claim is judged wrong (kept, never used)."),
    Column("known_from", "When the investigators learned this (EDTF).", kind="date"),
    Column("note", "The author's note."),
)

CLAIMS = SheetLayout("Claims", "One row per claim, for a fact (or an event's date or place) "
                     "that carries its own sources, account or note, or that sources "
                     "dispute: every row of the same fact is one account of it.",
                     CLAIM_COLUMNS)

EXERCISES = SheetLayout("Exercises", "One row per teaching exercise, tied to an event.", (
    Column("id", "A slug naming the exercise."),
    Column("at", "The event id of the decision point.", True),
    Column("question", "The question.", True),
    Column("answer", "The answer.", True),
    Column("rules", "Rule ids the exercise teaches.", kind="list"),
    Column("hint", "A hint."),
))

#: Every sheet, in workbook order; only Events is required.
SHEETS = (CASE, EVENTS, SOURCES, ACTORS, EVIDENCE, CLAIMS, EXERCISES)

#: The text a redacted workbook carries in its Case sheet (key ``redacted``): such a workbook
#: hides who is who and cannot become a case file again.
REDACTED_MARK = "redacted"


def sheet_named(name: str) -> SheetLayout | None:
    return next((s for s in SHEETS if header_key(s.name) == header_key(name)), None)


def columns_markdown() -> str:
    """Every sheet and column as Markdown, for docs/spreadsheet-import.md (kept fresh by
    ``python -m casebook.intake.layout_doc --write``, checked by tests/test_intake.py)."""
    out = []
    for sheet in SHEETS:
        out += [f"### {sheet.name}{'' if sheet is EVENTS else ' (optional)'}", "",
                sheet.meaning, "", "| column | required | what it holds |", "|---|---|---|"]
        out += [f"| `{c.name}` | {'yes' if c.required else ''} | "
                f"{c.meaning.replace('|', chr(92) + '|')}"
                + (f" Also read from: {', '.join(repr(a) for a in c.aliases)}."
                   if c.aliases else "") + " |" for c in sheet.columns]
        out.append("")
    return "\n".join(out)
