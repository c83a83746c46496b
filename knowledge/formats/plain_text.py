"""Plain text from the HTML that real directory feeds put in their text fields.

Council directories are typed into web editors, so descriptions arrive as ``<p>Struggling with Drug &amp;
Alcohol Addiction?</p><ul><li>…</li></ul>``. Every reply channel shows plain text (an SMS cannot show markup), so
the importer stores plain text: entities decoded, paragraphs as blank-line-separated blocks, list items as
``- item`` lines, line breaks kept, everything else (tags, scripts, styles, comments) dropped.

The parsing is Beautiful Soup's (with Python's own ``html.parser``), not regular expressions: real feeds carry
broken and nested markup that only a real HTML parser reads the way a browser would.

Text with no tag in it is plain text already, not HTML: its line breaks are the reader's line breaks (HTML would
fold them into spaces), and only its complete entities (``&amp;``, ``&#39;``) are decoded, so a bare ``&`` or
``<`` stays as written. That is what keeps a directory's own export (plain text) the same when it is imported
again.
"""
from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

#: Elements whose content is never text for a reader.
_DROPPED = frozenset({"script", "style", "head", "title", "meta", "link", "noscript", "template", "iframe", "object"})
#: Elements that start a block of their own (a paragraph break before and after).
_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "blockquote", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "form", "fieldset", "figure", "dl", "hr",
})
_LISTS = frozenset({"ul", "ol"})
_LINE_BREAKS = frozenset({"br"})
_ROWS = frozenset({"tr", "dt", "dd"})
_CELLS = frozenset({"td", "th"})

#: Private markers used while walking the tree; they can never appear in a feed's text.
_PARAGRAPH = "\x00P\x00"
_NEWLINE = "\x00N\x00"


#: An opening or closing tag, a comment or a declaration; "a < b" and "<18s" are not tags.
_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9:-]*(?:[\s/][^<>]*)?|!--.*?--|![a-zA-Z][^<>]*)>", re.DOTALL)
#: A complete character reference: named with its semicolon, decimal or hexadecimal.
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")


def looks_like_html(text: str) -> bool:
    """Only text with a tag in it is read as HTML (where line breaks are just spaces)."""
    return "<" in text and _TAG.search(text) is not None


def html_to_text(text: str) -> str:
    """``text`` as plain, readable text (see module docstring). Plain text keeps its line breaks and comes back
    with its entities decoded and its spacing tidied."""
    if not looks_like_html(text):
        return _tidy(_ENTITY.sub(lambda entity: html.unescape(entity.group()), text))
    soup = BeautifulSoup(text, "html.parser")
    pieces: list[str] = []
    _walk(soup, pieces, list_depth=0)
    return _tidy("".join(pieces))


def _walk(node: Tag, pieces: list[str], *, list_depth: int) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            pieces.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in _DROPPED:
            continue
        if name in _LINE_BREAKS:
            pieces.append(_NEWLINE)
        elif name in _LISTS:
            around = _PARAGRAPH if list_depth == 0 else ""  # a list inside a list item continues that list
            pieces.append(around)
            _walk_list(child, pieces, list_depth=list_depth + 1, numbered=name == "ol")
            pieces.append(around)
        elif name == "li":  # a stray item outside a list
            pieces.append(_NEWLINE + "- ")
            _walk(child, pieces, list_depth=list_depth)
            pieces.append(_NEWLINE)
        elif name in _BLOCKS:
            pieces.append(_PARAGRAPH)
            _walk(child, pieces, list_depth=list_depth)
            pieces.append(_PARAGRAPH)
        elif name in _ROWS:
            pieces.append(_NEWLINE)
            _walk(child, pieces, list_depth=list_depth)
            pieces.append(_NEWLINE)
        elif name in _CELLS:
            _walk(child, pieces, list_depth=list_depth)
            pieces.append(" ")
        else:
            _walk(child, pieces, list_depth=list_depth)


def _walk_list(node: Tag, pieces: list[str], *, list_depth: int, numbered: bool) -> None:
    number = 0
    indent = "- " * (list_depth - 1)  # "- - item" for a sub-item: leading spaces do not survive SMS
    for child in node.children:
        if isinstance(child, Tag) and child.name.lower() == "li":
            number += 1
            bullet = f"{number}. " if numbered else "- "
            pieces.append(_NEWLINE + indent + bullet)
            _walk(child, pieces, list_depth=list_depth)
        elif isinstance(child, Tag):
            _walk(child, pieces, list_depth=list_depth)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment) and str(child).strip():
            pieces.append(_NEWLINE + indent + "- " + re.sub(r"\s+", " ", str(child)).strip())


def _tidy(text: str) -> str:
    """Markers to newlines; no blank lines at the ends, at most one blank line between blocks, no stray spaces."""
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(_PARAGRAPH, "\n\n").replace(_NEWLINE, "\n")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if re.fullmatch(r"(-|\d+\.)", line):
            continue  # an empty list item
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)
