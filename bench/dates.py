"""How fast is casebook.model.dates.parse_edtf? Prints microseconds per date; no thresholds.

Run as ``python bench/dates.py``. Parses 10,000 distinct, varied dates (mostly plain days,
months and years as in real case files, plus qualifiers, seasons, spans and sets) once with
an empty cache and then again from the cache.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from casebook.model import dates

COUNT = 10_000
ROUNDS = 5


def _day(rng: random.Random) -> str:
    return f"{rng.randint(1, 9999):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _simple(rng: random.Random) -> str:
    shape = rng.random()
    text = _day(rng)
    if shape < 0.3:
        text = text[:7]
    elif shape < 0.45:
        text = text[:4]
    return text + rng.choice(["", "", "", "~", "?", "%"])


def _other(rng: random.Random) -> str:
    year = rng.randint(1000, 9000)
    return rng.choice(
        [
            f"{year}-{rng.randint(21, 24)}",
            f"{year // 10}X",
            f"{year}-07-XX",
            f"{year}-03/{year}-{rng.randint(4, 12):02d}~",
            f"{year}-0{rng.randint(1, 9)}/..",
            f"[{year}-07..{year}-08-{rng.randint(10, 28)}]",
            f"[{year}-07-01, {year}-07-{rng.randint(2, 28):02d}]",
        ]
    )


def varied(count: int, seed: int, simple_share: float = 0.85) -> list[str]:
    """``count`` distinct date strings, ``simple_share`` of them on the regex fast path."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen[_simple(rng) if rng.random() < simple_share else _other(rng)] = None
    return list(seen)


def per_date(texts: list[str], clear: bool) -> float:
    """Best of ROUNDS: microseconds per parse_edtf call over ``texts``."""
    parse: Callable[[str], dates.Edtf] = dates.parse_edtf
    best = float("inf")
    for _ in range(ROUNDS):
        if clear:
            dates._parse_cached.cache_clear()
        began = time.perf_counter()
        for text in texts:
            parse(text)
        best = min(best, time.perf_counter() - began)
    return best / len(texts) * 1e6


def main() -> None:
    per_date(varied(1000, seed=1), clear=True)  # warm up imports and the regex engine
    for label, texts in [
        ("varied (85% simple)", varied(COUNT, seed=2019)),
        ("simple only", varied(COUNT, seed=2020, simple_share=1.0)),
        ("spans, sets, seasons, X", varied(COUNT, seed=2021, simple_share=0.0)),
    ]:
        uncached = per_date(texts, clear=True)
        per_date(texts, clear=True)  # fill the cache once
        cached = per_date(texts, clear=False)
        print(f"{label:<26} {len(texts):>6} dates  uncached {uncached:6.2f} us/date"
              f"  cached {cached:5.2f} us/date")  # fmt: skip


if __name__ == "__main__":
    main()
