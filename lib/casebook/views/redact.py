"""Redaction: a private person's identity hidden everywhere in a redacted edition.

What it promises (docs/security.md, "Redaction"):

1. **The data is redacted before anything is rendered** (:func:`redact_case`). Every private
   person and every minor is named by role ("the accused", "a family member") in every label —
   never by name, never by description (a description identifies as well as a name). Every
   form of their names in any text becomes that role (:mod:`.name_forms`: possessives,
   plurals, joined and URL-encoded forms, invisible and full-width characters, accents,
   apostrophes). Every id that carries a name — an actor, source, event, evidence or exercise
   id, the case id — gets a neutral alias, the same wherever it appears. A source URL that
   carries a name is dropped (its citation stays). The court privacy rules
   (:mod:`.privacy_rules`) reduce birth dates, account numbers and street addresses.
2. **Standards named after a private person** are shown by a neutral title (the protocol's
   ``neutral_title``) and a neutral id.
3. **The finished notebook is read once more, text only** (:meth:`Redactor.html`): text
   between tags, attribute values, the strings of figures — never markup, so the page's own
   ``<script>`` stays intact whatever a person is called. The case file's path and name become
   the alias.

What it does not promise: initials, nicknames or other names a source uses for a person are the
case author's to record (``name`` holds the name as sources give it; write other forms into the
text as the role); a face in an image; a person identified by facts alone (a job, a street).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pandas as pd

from ..errors import path_text
from ..model.case import Case, role_label
from ..model.casefile import SECTIONS, Casefile
from ..model.integrity import is_slug
from .html_text import map_html_text
from .name_forms import NameForms
from .privacy_rules import apply_privacy_rules

if TYPE_CHECKING:
    from ..engine.protocols import Protocol

__all__ = ["Redactor", "redact_case"]

#: Fields whose values come from the vocabulary, never from a person: left as written.
_VOCABULARY_KEYS = frozenset({"type", "kind", "account", "reliability", "confidence", "roles",
                              "branch", "level", "state", "precision", "casebook"})
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"


@dataclass(frozen=True)
class Redactor:
    """Replaces what would identify a case's private persons, consistently."""

    forms: NameForms
    id_aliases: dict[str, str]  # an id that names someone (or a private actor's id) -> alias
    phrases: dict[str, str]  # an exact text (a standard's title, the case path) -> replacement
    case_alias: str
    name_tokens: tuple[str, ...]
    _ids: re.Pattern[str] | None
    _phrases: re.Pattern[str] | None

    @classmethod
    def for_case(cls, case: Case, protocols: Iterable[Protocol] | None = None) -> Redactor:
        people = [a for a in case.actors.values() if a.private or a.actor.minor]
        people.sort(key=lambda a: ("accused" not in a.roles, a.id))  # the accused first
        names = {p.name: role_label(p.roles) for p in people if p.name}
        forms = NameForms(names)
        alias = _hashed(case.id)
        aliases: dict[str, str] = {case.id: alias}
        for n, person in enumerate(people, start=1):
            aliases[person.id] = f"private-person-{n}"
        for section in ("sources", "actors", "evidence", "events", "exercises"):
            for n, item_id in enumerate(sorted(_ids_of(case, section)), start=1):
                if item_id not in aliases and forms.search(item_id):
                    aliases[item_id] = f"{section.rstrip('s')}-{n}-redacted"
        phrases: dict[str, str] = {}
        for proto in protocols if protocols is not None else _all_protocols():
            neutral = proto.neutral_title
            for text in (proto.title, proto.short):
                if forms.search(text):
                    phrases[text] = neutral or _names_replaced(forms, text)
            if forms.search(proto.id):
                aliases[proto.id] = (re.sub(r"[^a-z0-9]+", "-", neutral.lower()).strip("-")
                                     if neutral else _hashed(proto.id))
        path = case.path  # the case file's path and name never appear
        named = {str(path), path_text(path), case.display_path} | {
            text for text in (path.name, path.stem) if text == case.id or forms.search(text)}
        for text in named:
            phrases.setdefault(text, f"{alias}.yaml" if text.endswith((".yaml", ".yml"))
                               else alias)
        tokens = tuple(sorted({t for name in names for t in re.findall(r"[^\W\d_]{3,}", name)}))
        return cls(forms, aliases, phrases, alias, tokens, _alternation(aliases, _ID),
                   _alternation(phrases, None))

    @property
    def tokens(self) -> list[str]:
        """Every name word (of three letters or more) that must not appear, lower case."""
        return sorted({t.lower() for t in self.name_tokens})

    # -- text ---------------------------------------------------------------------------
    def __call__(self, text: str) -> str:
        """Free text, redacted: exact phrases, ids that name someone, every name form, the
        court privacy rules."""
        if not text:
            return text
        return apply_privacy_rules(self._names(self.exact(text)))

    def _names(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for match in self.forms.find(text):
            before, label, end = text[pos:match.start], match.label, match.end
            if match.plural:  # "the Williamses": the family; "the Williamses'": its
                label += "'s family"
                if before.lower().endswith("the "):
                    before = before[:-4]
                if text[end:end + 1] in ("'", "\u2019") and not text[end + 1:end + 2].isalpha():
                    label, end = label + text[end] + "s", end + 1
            head = ("".join(out) + before).rstrip()
            if not head or head[-1] in ".!?:":
                label = label[0].upper() + label[1:]
            out += [before, label]
            pos = end
        return "".join(out) + text[pos:] if out else text

    def exact(self, text: str) -> str:
        """Only the exact phrases and ids replaced: for code, which must stay code."""
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: self.phrases[m.group(0)], text)
        if self._ids is not None:
            text = self._ids.sub(lambda m: self.id_aliases[m.group(0)], text)
        return text

    def identifier(self, text: str) -> str:
        """An id or file name: its alias, a neutral alias derived from it when it names
        someone, else unchanged — never half-rewritten."""
        if text in self.id_aliases:
            return self.id_aliases[text]
        return _hashed(text) if self.forms.search(text) else text

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of a table with every text cell redacted."""
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
                out[col] = out[col].map(lambda v: self(v) if isinstance(v, str) else v)
        return out

    def deep(self, value: Any) -> Any:
        """Every string inside nested lists and dicts: ids aliased, text redacted."""
        return _walk(value, self._text_or_id, None)

    def _text_or_id(self, text: str) -> str:
        if text in self.id_aliases or is_slug(text):
            return self.identifier(text)
        return self(text)

    def html(self, markup: str) -> str:
        """An HTML fragment's text, attribute values and script strings redacted; its markup
        untouched."""
        return map_html_text(markup, self)


def _ids_of(case: Case, section: str) -> list[str]:
    shape, _model = SECTIONS[section]
    items = getattr(case.file, section)
    return list(items) if shape == "mapping" else [item.id for item in items]


def _all_protocols() -> list[Protocol]:
    from ..engine.protocols import load_protocols

    return load_protocols()


def _hashed(text: str) -> str:
    return "redacted-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def _names_replaced(forms: NameForms, text: str) -> str:
    out, pos = [], 0
    for match in forms.find(text):
        out += [text[pos:match.start], match.label]
        pos = match.end
    return "".join(out) + text[pos:]


def _alternation(words: dict[str, str], shape: str | None) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    if shape is None:
        return re.compile(body)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


def _walk(value: Any, fn: Callable[[str], str], key: str | None) -> Any:
    if isinstance(value, str):
        return value if key in _VOCABULARY_KEYS else fn(value)
    if isinstance(value, list):
        return [_walk(v, fn, key) for v in value]
    if isinstance(value, dict):
        return {(fn(k) if isinstance(k, str) else k): _walk(v, fn, k if isinstance(k, str)
                                                             else None)
                for k, v in value.items()}
    return value


def redact_case(case: Case, protocols: Iterable[Protocol] | None = None
                ) -> tuple[Case, Redactor]:
    """A redacted copy of the case: private persons by role, ids aliased, URLs that name
    someone dropped, every text redacted."""
    redactor = Redactor.for_case(case, protocols)
    data = case.file.model_dump(mode="python", by_alias=True)
    for src in data["sources"].values():
        url = src.get("url")
        if url and (redactor.forms.search(url) or redactor.forms.search(unquote(url))):
            src["url"] = None
    people = {aid for aid, a in case.actors.items() if a.private or a.actor.minor}
    for aid in people:
        actor = data["actors"][aid]
        actor["name"] = None
        actor["description"] = role_label(actor.get("roles") or [])
    redacted = redactor.deep(data)
    redacted["case"]["id"] = redactor.case_alias
    file = Casefile.model_validate(redacted)
    new = Case(path=case.path, display_path=f"{redactor.case_alias}.yaml", file=file,
               vocabulary=case.vocabulary, registry=case.registry, raw=case.raw)
    return new, redactor
