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


@pytest.mark.parametrize("text", [
    "- Drop-in\n- One-to-one support",
    "Free, confidential help with alcohol & drugs.\n\n- Drop-in\n- One-to-one support",
    "Under 18s: call first\n1. Ring <18 line\n2. Visit if a < b",
    "Q&A sessions\nR&D team\nFish &chips; AT&T",
    "Steps:\n\n1. Call\n2. Visit\n\nDone",
])
def test_plain_text_with_line_breaks_comes_back_unchanged(text):
    """What signpost stores (and so exports) is plain text: importing it again must not fold its lines."""
    assert html_to_text(text) == text
    assert html_to_text(html_to_text(text)) == text


@pytest.mark.parametrize("text, plain", [
    ("Tom &amp; Jerry\n- Drop-in\n- Call&nbsp;us", "Tom & Jerry\n- Drop-in\n- Call us"),
    ("Copyright &copy 2026 &notice", "Copyright &copy 2026 &notice"),  # no semicolon: not a reference
    ("One\r\nTwo\n\n\n\nThree", "One\nTwo\n\nThree"),
])
def test_plain_text_decodes_only_complete_entities_and_keeps_its_lines(text, plain):
    assert html_to_text(text) == plain


@pytest.mark.parametrize("html, text", [
    ("<p>Help with drink &amp; drugs</p>\n<p>Drop-in</p>", "Help with drink & drugs\n\nDrop-in"),
    ("Line one\nstill line one<br>Line two", "Line one still line one\nLine two"),  # HTML: a newline is a space
    ("<!-- from the editor -->\nFirst\nSecond", "First Second"),
])
def test_text_with_a_tag_is_read_as_html(html, text):
    assert html_to_text(html) == text
