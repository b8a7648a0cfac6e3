"""Tables for notebooks and reports: escaped, links only from http(s), and styled once per
table rather than once per cell (the findings table of a large case was two-thirds styling)."""

from __future__ import annotations

import re

import pandas as pd

from casebook.views.display import table_html


def test_rows_carry_no_styling_of_their_own() -> None:
    frame = pd.DataFrame({"rule": [f"R-{i}" for i in range(200)], "status": ["fail"] * 200})
    html = table_html(frame)
    assert html.count("style") == 2  # one <style> element, opened and closed
    assert len(re.findall(r"<td>", html)) == 400
    small = table_html(frame.head(1))
    # the per-row cost is the cells' text and tags only
    assert (len(html) - len(small)) / 199 < len("<tr><td>R-100</td><td>fail</td></tr>") + 2


def test_text_is_escaped_and_only_http_urls_become_links() -> None:
    frame = pd.DataFrame({
        "title": ["<script>x()</script>", "ok"],
        "url": ["javascript:alert(1)", "https://example.org/a"],
    })
    html = table_html(frame, links={"title": "url"})
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/a"' in html
    assert "<th>url</th>" not in html  # the URL column is folded into its link
