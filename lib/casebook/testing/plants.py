"""The failures a synthetic incident can carry, and the rules each one trips.

An incident (the shape of a facial-recognition arrest, its local event names in
:data:`PLANTED_INCIDENT_TYPES`) starts fully clean; each row of :data:`PLANTS` changes one
thing in it. The rules a row trips are read from ``data/protocols/*.yaml`` as plain YAML — this
module uses no engine code, so what the generator plants can test the engine."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..paths import protocols_dir, vocabulary_path

__all__ = [
    "BASELINE_ONLY",
    "FACT_CHECKS",
    "INCIDENT_ROLES",
    "INCIDENT_USES",
    "MULTI_FACT_CHECKS",
    "PLANTED_INCIDENT_EVENTS",
    "PLANTED_INCIDENT_TYPES",
    "PLANTS",
    "PLANT_BY_NAME",
    "PLANT_STATES",
    "Plant",
    "ProtocolRule",
    "Rules",
    "Scalar",
    "protocol_rules",
    "rules_checking",
    "rules_reading",
]

# -- the plantable failures ----------------------------------------------------------------
#
# Each row of PLANTS changes one thing in a clean incident: a fact written with a failing value
# (`fact`, on the incident nodes `on`: local names, ids in the file are "<name>-<incident>"),
# or, for a provenance row, what a step rested on. The rules a row trips are not written here:
# they are read from data/protocols/*.yaml, as plain YAML (this module uses no engine code), by
# what each rule's check reads — see `rules_reading` below. So a new rule that reads a fact a
# row already plants, at a step an incident has, needs no edit here; a rule that reads a fact
# no row plants (or uses a check this module cannot read) is reported by
# tests/test_synth.py::test_every_rule_at_an_incident_event_is_plantable, which says what to add.

Scalar = bool | int | str


Rules = tuple[str, ...]


#: The states a row can be planted in (``clean``: not planted).
PLANT_STATES = ("clean", "fail", "disputed", "unknown")


#: The events of a planted incident: local name → event type (ids are "<name>-<incident>").
PLANTED_INCIDENT_TYPES: dict[str, str] = {
    "offense": "offense",
    "witness-interview": "investigative-step",
    "probe-extraction": "probe-extraction",
    "fr-search": "fr-search",
    "print-comparison": "investigative-step",
    "photo-lineup": "photo-lineup",
    "warrant-request": "warrant-request",
    "warrant-issued": "warrant-issued",
    "arrest": "arrest",
    "detention": "detention",
    "arraignment": "arraignment",
    "dismissal": "dismissal",
    "expungement": "expungement",
}


PLANTED_INCIDENT_EVENTS = len(PLANTED_INCIDENT_TYPES)


#: Who takes part in each incident event, by participant role (local actor names).
INCIDENT_ROLES: dict[str, dict[str, str]] = {
    "witness-interview": {"witness": "witness"},
    "photo-lineup": {"witness": "witness", "administered_by": "administrator",
                     "subject": "accused"},
}


#: The evidence each incident event uses (local names), for checks that read used evidence.
INCIDENT_USES: dict[str, tuple[str, ...]] = {
    "probe-extraction": ("store-video",), "fr-search": ("probe-still",),
    "photo-lineup": ("photo-array",),
}


#: Checks this module knows how to read: what fact they read and on which node.
FACT_CHECKS = ("fact_is", "fact_at_least", "fact_at_most", "actor_fact_is",
               "offense_category_in")
#: Checks of several true/false facts of the event: ``none_of`` fails when any one is true,
#: ``not_all_of`` only when all are.
MULTI_FACT_CHECKS = ("none_of", "not_all_of")
#: Checks an incident cannot plant a failure of, with the reason; the clean baseline still
#: checks that they neither fail nor stay unknown there.
BASELINE_ONLY = {
    "not_shown_before": "an incident shows the witness one identification procedure only",
}


@dataclass(frozen=True, slots=True)
class ProtocolRule:
    """A rule as data: its id, file, check name and parameters, and where it applies."""

    id: str
    file: str
    check: str
    params: Mapping[str, Any]
    applies_to: tuple[str, ...]

    @property
    def fact(self) -> str:
        """The fact a fact-reading check reads ('' for a provenance check)."""
        if self.check == "offense_category_in":
            return "offense_category"
        return str(self.params.get("fact", "")) if self.check in FACT_CHECKS else ""

    @property
    def facts(self) -> tuple[str, ...]:
        """Every fact the rule reads: its one fact, or the list of a several-fact check."""
        if self.check in MULTI_FACT_CHECKS:
            return tuple(self.params.get("facts") or ())
        return (self.fact,) if self.fact else ()

    def tripped_by(self, planted: set[str]) -> bool:
        """Does writing ``planted`` facts with failing values make the rule fail?"""
        if self.check == "not_all_of":
            return bool(self.facts) and set(self.facts) <= planted
        return bool(set(self.facts) & planted)

    def node(self, event: str) -> str | None:
        """The incident node whose fact this rule reads when checked at ``event``."""
        if self.check == "offense_category_in" or self.params.get("target") == "offense":
            return "offense"
        if self.check == "actor_fact_is":
            return INCIDENT_ROLES.get(event, {}).get(str(self.params.get("role")))
        if self.params.get("target") == "used-evidence":
            uses = INCIDENT_USES.get(event, ())
            return uses[0] if uses else None
        return event

    def passes(self, value: Scalar) -> bool:
        """Does a single, undisputed ``value`` of its fact meet this rule?"""
        if self.check in ("fact_at_least", "fact_at_most"):
            if not isinstance(value, int | float) or isinstance(value, bool):
                return False
            if self.check == "fact_at_most":
                return value <= float(self.params["maximum"])
            return value >= float(self.params["minimum"])
        if self.check == "none_of":
            return value is False
        if self.check == "not_all_of":
            return value is False
        expected = self.params.get("categories") if self.check == "offense_category_in" \
            else self.params.get("expected")
        return value in (expected or [])


@functools.cache
def protocol_rules() -> tuple[ProtocolRule, ...]:
    """Every rule of data/protocols/*.yaml, read as plain YAML, its families of event types
    (data/vocabulary.yaml) spelled out."""
    vocabulary = yaml.safe_load(vocabulary_path().read_text(encoding="utf-8"))
    families = {k: v["members"] for k, v in (vocabulary.get("families") or {}).items()}
    out = []
    for path in sorted(protocols_dir().glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            [(name, params)] = rule["check"].items()
            types = [m for t in rule["applies_to"] for m in families.get(t, [t])]
            out.append(ProtocolRule(rule["id"], path.name, name, params or {},
                                    tuple(dict.fromkeys(types))))
    return tuple(out)


@functools.cache
def rules_reading(fact: str, on: tuple[str, ...], also: tuple[str, ...] = ()
                  ) -> dict[str, Rules]:
    """The rules that ``fact`` (written with ``also``) trips on one of the nodes ``on``, by
    incident event."""
    found: dict[str, list[str]] = {}
    for rule in protocol_rules():
        if not rule.tripped_by({fact, *also}):
            continue
        for event, etype in PLANTED_INCIDENT_TYPES.items():
            if etype in rule.applies_to and rule.node(event) in on:
                found.setdefault(event, []).append(rule.id)
    return {ev: tuple(sorted(ids)) for ev, ids in found.items()}


@functools.cache
def rules_checking(checks: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Rules]:
    """The rules using one of the named checks, by incident event (``checks``: pairs of an
    incident event and check names)."""
    found: dict[str, Rules] = {}
    for event, names in checks:
        ids = sorted(r.id for r in protocol_rules()
                     if r.check in names and PLANTED_INCIDENT_TYPES[event] in r.applies_to)
        if ids:
            found[event] = tuple(ids)
    return found


@dataclass(frozen=True, slots=True)
class Plant:
    """One plantable failure (see the comment above :data:`PLANTS`). A fact row trips every
    rule reading its fact on its nodes; a provenance row every rule using the checks of
    ``fail_checks`` (and, written ``unknown``, of ``unknown_checks``) at those events."""

    name: str
    summary: str
    fact: str
    on: tuple[str, ...]
    clean: Scalar | None = None  # None: a provenance (graph) row, not a single fact
    failing: Scalar | None = None
    also: tuple[str, ...] = ()  # facts written with ``fact``, with the same values
    fail_checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unknown_checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    group: str = ""  # at most one row of a group per incident
    requires: str = ""  # this row is planted only on top of that one

    @property
    def graph(self) -> bool:
        return self.clean is None

    @property
    def fails(self) -> dict[str, Rules]:
        """The rules that must fail when this row is planted, by incident event."""
        if self.graph:
            return rules_checking(tuple(self.fail_checks.items()))
        return rules_reading(self.fact, self.on, self.also)

    @property
    def unknowns(self) -> dict[str, Rules]:
        """The rules that must be unknown when the row's fact is written ``unknown``."""
        if self.graph:
            return rules_checking(tuple(self.unknown_checks.items()))
        return self.fails


def _fact(name: str, summary: str, fact: str, on: tuple[str, ...], clean: Scalar,
          failing: Scalar, requires: str = "", also: tuple[str, ...] = ()) -> Plant:
    return Plant(name, summary, fact, on, clean, failing, requires=requires, also=also)


_WARRANT_STEPS = ("warrant-request", "warrant-issued", "arrest")


_INDEPENDENT = {step: ("independent_evidence",) for step in _WARRANT_STEPS}


_BOTH = {step: ("independent_evidence", "not_solely_fr_output") for step in _WARRANT_STEPS}


PLANTS: tuple[Plant, ...] = (
    # --- the offense, read at the search (offense_category_in reads the offense upstream)
    _fact("property-offense", "the offense was a retail theft (Part I property), not a violent "
          "crime", "offense_category", ("offense",), "part1-violent", "part1-property"),
    # --- the face search
    _fact("video-probe", "the search was run on video, not on a still image", "probe_is_still",
          ("fr-search",), True, False),
    _fact("surveillance-search", "the search was used to track people, not to identify a "
          "suspect", "surveillance_use", ("fr-search",), False, True),
    _fact("mobile-search", "the search was run from a mobile device", "mobile_fr",
          ("fr-search",), False, True),
    _fact("quality-not-assessed", "no examiner judged the probe image suitable before the "
          "search", "examiner_assessed_quality", ("fr-search",), True, False),
    _fact("no-peer-review", "no second examiner reviewed the candidate", "peer_reviewed",
          ("fr-search",), True, False),
    _fact("single-candidate", "the search returned a single candidate", "candidates_returned",
          ("fr-search",), 5, 1),
    _fact("search-not-approved", "only one person approved the search", "search_approvals",
          ("fr-search",), 2, 1),
    # --- the lineup
    _fact("witness-not-interviewed", "the witness was not interviewed before the lineup",
          "eyewitness_interviewed", ("photo-lineup",), True, False),
    _fact("suspicion-not-documented", "no written, evidence-based suspicion before the lineup",
          "suspicion_documented", ("photo-lineup",), True, False),
    _fact("lineup-not-blind", "the lineup administrator knew the suspect",
          "blind_administration", ("photo-lineup",), True, False),
    _fact("too-few-fillers", "the array had three fillers", "fillers",
          ("photo-lineup", "photo-array"), 5, 3),
    _fact("two-suspects", "the array held two suspects", "suspects_in_array",
          ("photo-lineup", "photo-array"), 1, 2),
    _fact("no-instructions", "the witness was not told the culprit might not be there",
          "witness_instructed", ("photo-lineup",), True, False),
    _fact("no-confidence-statement", "no confidence statement was taken",
          "confidence_recorded", ("photo-lineup",), True, False),
    _fact("not-video-recorded", "the lineup was not video-recorded", "video_recorded",
          ("photo-lineup",), True, False),
    # A procedure with no record at all was not video-recorded either, hence `requires`.
    _fact("procedure-not-recorded", "the lineup was not recorded or documented at all",
          "procedure_recorded", ("photo-lineup",), True, False, requires="not-video-recorded"),
    _fact("repeat-identification", "the witness had already been shown the suspect",
          "repeat_identification", ("photo-lineup",), False, True),
    _fact("witness-not-present", "the identifying witness never saw the offense",
          "present_at_offense", ("witness",), True, False),
    _fact("suggestive-lineup", "the administrator steered the witness toward the suspect",
          "suggestive_conduct", ("photo-lineup",), False, True),
    _fact("suspect-stands-out", "the suspect's photo stood out from the fillers",
          "suspect_stands_out", ("photo-lineup", "photo-array"), False, True),
    _fact("fillers-do-not-fit", "the fillers did not fit the witness's description",
          "fillers_fit_description", ("photo-lineup", "photo-array"), True, False),
    _fact("photos-shown-together", "the photos were shown together, not one at a time",
          "sequential_presentation", ("photo-lineup",), True, False),
    _fact("witness-prepared", "the witness was told about the case or the suspect before the "
          "lineup", "witness_prepared", ("photo-lineup",), False, True),
    _fact("feedback-given", "the witness was told the pick was the suspect",
          "feedback_given", ("photo-lineup",), False, True),
    _fact("witness-impaired", "the witness was injured and in shock when shown the array",
          "witness_impaired", ("photo-lineup",), False, True),
    _fact("viewing-not-recorded", "the witness's viewing conditions were not written down",
          "viewing_conditions_recorded", ("photo-lineup",), True, False),
    # --- the warrant (the disclosure facts are mirrored on the warrant as issued)
    _fact("fr-use-not-disclosed", "the warrant request did not say a face search produced the "
          "lead", "fr_use_disclosed", ("warrant-request", "warrant-issued"), True, False),
    _fact("fr-limits-not-disclosed", "the warrant request did not disclose the search's limits",
          "fr_limits_disclosed", ("warrant-request", "warrant-issued"), True, False),
    _fact("candidate-list-only", "nothing beyond the face-search candidate list was examined "
          "before the warrant request", "beyond_candidate_examined", ("warrant-request",),
          True, False),
    _fact("one-captain", "only one captain reviewed the warrant request", "captains_reviewed",
          ("warrant-request", "warrant-issued"), 2, 1),
    _fact("no-supervisory-review", "no supervisor reviewed the face-recognition basis before "
          "the warrant issued", "supervisory_review", ("warrant-request", "warrant-issued"),
          True, False),
    _fact("false-affidavit", "the warrant affidavit misstated the basis, knowingly",
          "affidavit_false_or_omission", ("warrant-request", "warrant-issued"), False, True,
          also=("affidavit_knowing_or_reckless",)),
    # --- the arrest
    _fact("reason-not-given", "the accused was not told at the arrest what it was for",
          "reason_given_at_arrest", ("arrest",), True, False),
    # --- court and aftermath
    _fact("not-disclosed-to-defense", "the defence was not told face recognition was used",
          "fr_use_disclosed_to_defense", ("arraignment",), True, False),
    _fact("biometrics-kept", "the accused's biometrics were not purged after the dismissal",
          "biometrics_purged", ("expungement",), True, False),
    # --- provenance: what the lineup and the warrant rested on
    # The photo array is derived from the FR candidate and the lineup uses only the array, with
    # a complete account of what it rested on (as in the fixture
    # tests/fixtures/cases/lineup-built-on-the-fr-lead--fails-….yaml):
    # not_derived_from_fr fails on the graph alone; independent_evidence fails on the closing
    # account, and is unknown when `rested_on_complete` is unknown.
    Plant("lineup-on-fr-lead", "the photo array was built from the face-search candidate and "
          "nothing independent pointed at the person before the lineup", "rested_on_complete",
          ("photo-lineup",),
          fail_checks={"photo-lineup": ("independent_evidence", "not_derived_from_fr")},
          unknown_checks={"photo-lineup": ("independent_evidence",)}),
    # The Williams pattern: the prints were inconclusive, and the warrant request, the warrant
    # and so the arrest rested on the candidate plus the pick from the FR-built array, with a
    # complete account. Every independent_evidence rule at the three steps fails; the
    # not_solely_fr_output rules pass (a pick is more than FR output). With
    # `rested_on_complete` unknown, both kinds are unknown (no account closes the record).
    Plant("warrant-on-fr-and-lineup", "the warrant and the arrest rested on the candidate and "
          "the lineup built from it, nothing independent", "rested_on_complete",
          ("warrant-request", "warrant-issued"), fail_checks=_INDEPENDENT,
          unknown_checks=_BOTH, group="warrant-basis", requires="lineup-on-fr-lead"),
    # The warrant request cited the candidate alone: independent_evidence and
    # not_solely_fr_output rules fail at the three steps (unknown without a closing account).
    Plant("warrant-on-fr-alone", "the warrant and the arrest rested on the face-search "
          "candidate alone", "rested_on_complete", ("warrant-request", "warrant-issued"),
          fail_checks=_BOTH, unknown_checks=_BOTH, group="warrant-basis"),
)


PLANT_BY_NAME: dict[str, Plant] = {p.name: p for p in PLANTS}
