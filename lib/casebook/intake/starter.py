"""``casebook new``: a starter case file that validates as it stands, every line commented, so
an author replaces placeholders instead of learning the format from a blank page."""

from __future__ import annotations

from pathlib import Path

import yaml

from .yaml_text import schema_line

__all__ = ["starter_case"]

_BODY = """\
# A case file: one case, every event and fact sourced (docs/casefile-format.md).
# Replace each placeholder, then run `casebook validate` on this file. Names of event types,
# evidence kinds, roles and facts come from docs/vocabulary.md.
casebook: 1

case:
  id: {id}
  title: Placeholder title — who was identified, for what, where
  jurisdiction: Placeholder — city, state
  state: MI                   # two-letter state code
  summary: >-
    Placeholder summary: what happened, from the offense to the last step, in a few sentences.
  tags: []

# Every source the case rests on, by id. `account`: whose account (plaintiff, police,
# prosecutor, court, neutral, vendor, defense); `reliability`: primary, secondary, aggregator.
sources:
  source-1:
    title: Placeholder title of the first source
    publisher: Placeholder publisher
    kind: news-report         # news-report, court-filing, court-record, police-report, …
    account: neutral
    reliability: secondary
    # url: https://…          # the stored copy
    # date: 2020-06-24        # publication date (EDTF)

# People, agencies and organisations. A person is named only if a source names them; a
# private person carries `private: true`; an agency in data/registry.yaml is `{{ref: its-id}}`.
actors:
  accused:
    kind: person
    roles: [accused]
    private: true
    description: The person arrested (placeholder)

# Evidence items and how each was derived from another (the provenance chain).
evidence: {{}}

# The events, in any order. `when` is EDTF: 2019-07 (a month), 2019-07~ (about),
# 2019-07/2019-08 (a span), [2019-07-01..2019-07-15] (one day in a range).
events:
  - id: offense
    type: offense
    when: "2018"              # placeholder date
    summary: Placeholder — what happened, in a sentence.
    sources: [source-1]
    facts:
      offense_category: unknown   # `unknown`: looked, and no source says
"""


def starter_case(case_id: str, output: str | Path = "casefile/new.yaml") -> str:
    """The text of a starter case file for ``case_id``, to be written at ``output``."""
    quoted = yaml.safe_dump(case_id, default_flow_style=True).strip().removesuffix("...")
    return f"{schema_line(output)}\n{_BODY.format(id=quoted.strip())}"
