"""The court privacy rules for filed documents, applied to a redacted edition's text.

Fed. R. Civ. P. 5.2(a) and Fed. R. Crim. P. 49.1(a) let a filing show only the year of a birth
date, a minor's initials, the last four digits of a financial-account or taxpayer number, and —
in a criminal filing — the city and state of a home address. A case file may carry such
details in free text; these patterns reduce them wherever they appear. They are patterns, not
understanding: a number that looks like an account number is cut to its last four digits even
when it is something else (over-redaction is acceptable, under-redaction is not).
"""

from __future__ import annotations

import re

__all__ = ["apply_privacy_rules"]

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE = (rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+(?P<y2>\d{{4}})"
         r"|\d{1,2}[/.-]\d{1,2}[/.-](?P<y3>\d{4})"
         r"|(?P<y4>\d{4})-\d{2}-\d{2})")
_BIRTH = re.compile(rf"\b(?P<lead>born(?:\s+on)?|date\s+of\s+birth:?|d\.?o\.?b\.?:?|birth\s*date:?)"
                    rf"\s+{_DATE}", re.IGNORECASE)
_SSN = re.compile(r"\b\d{3}-\d{2}-(?P<last>\d{4})\b")
#: 8 to 19 digits, alone or in groups separated by spaces or hyphens: card and account numbers.
_ACCOUNT = re.compile(r"(?<![\w-])(?:\d[ -]?){4,15}(?P<last>\d{4})(?![\w-])")
_STREET = ("street|st|avenue|ave|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|way|place|pl|"
           "terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl")
_ADDRESS = re.compile(rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'\u2019.-]*\s+){{1,4}}"
                      rf"(?:{_STREET})\b\.?(?:,?\s+(?:apt|apartment|unit|suite|#)\.?\s*\w+)?",
                      re.IGNORECASE)


def _year(m: re.Match[str]) -> str:
    year = next(m.group(g) for g in ("y1", "y2", "y3", "y4") if m.group(g))
    lead = m.group("lead")
    return f"born in {year}" if lead.lower().startswith("born") else f"{lead} {year}"


def apply_privacy_rules(text: str) -> str:
    """Birth dates to the year, account and taxpayer numbers to their last four digits,
    street addresses withheld (the city that follows stays)."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = _BIRTH.sub(_year, text)
    text = _SSN.sub(lambda m: f"***-**-{m.group('last')}", text)
    text = _ACCOUNT.sub(lambda m: f"••••{m.group('last')}"
                        if sum(c.isdigit() for c in m.group()) >= 8 else m.group(), text)
    return _ADDRESS.sub("[street address withheld]", text)
