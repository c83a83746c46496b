"""HTML from directory editors becomes plain text an SMS can carry."""
from __future__ import annotations

import pytest

from knowledge.formats.plain_text import html_to_text


@pytest.mark.parametrize("html, text", [
    ("<p>Struggling with Drug &amp; Alcohol Addiction?</p>", "Struggling with Drug & Alcohol Addiction?"),
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
    ("<ul><li>Drop-in</li><li></li><li>One to <b>one</b></li></ul>", "- Drop-in\n- One to one"),
    ("<p>Steps:</p><ol><li>Call</li><li>Visit</li></ol><p>Done</p>", "Steps:\n\n1. Call\n2. Visit\n\nDone"),
    ("<ul><li>Top<ul><li>Inner</li></ul></li></ul>", "- Top\n- - Inner"),
    ("<p><br></p>", ""),
    ("Tom &amp; Jerry&nbsp;&pound;5 &#39;hi&#39;", "Tom & Jerry £5 'hi'"),
    ("<script>alert(1)</script><style>p{}</style><!-- note -->Visible", "Visible"),
    ("a < b, plain text stays", "a < b, plain text stays"),
    ("  spaced   out\n\n\n\ntext  ", "spaced out\n\ntext"),
    ("<p>Unclosed <b>bold", "Unclosed bold"),
])
def test_html_becomes_readable_plain_text(html, text):
    assert html_to_text(html) == text
