"""What a service's description says it *offers*, as opposed to words that merely occur in it.

A council directory describes a food larder as offering "tea, coffee and soft drinks", a pharmacy as one that
"does not run a needle exchange", a domestic abuse service as one where "abuse is often worse when a partner has
been drinking". Matched word by word, each of those looks like drink or drug help. So before a description
counts towards what a service is for, it is cut into clauses and three kinds of text are dropped:

* **negated clauses**: "we do not run a needle exchange", "no longer offers detox" (the rest of the sentence,
  "ask us where the nearest one is", still counts); a clause that gives the reason a service exists ("because
  the parents' drug or alcohol use means they cannot") is kept: its negation is about the people, not the offer;
* **statements about people rather than offers**: "many people we see also drink to cope", "abuse is often
  worse when ...", "books on recovery to borrow";
* **incidental phrases**: "soft drinks", "hot drinks", "drinks and snacks", "food and drink".

The lists are data, kept short and plain; add a phrase when a real directory shows a new way to fool search.
HTML (ORUK feeds often carry it) is reduced to text first.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

__all__ = ["offered_text", "NEGATIONS", "STATEMENT_MARKERS", "INCIDENTAL_PHRASES"]

#: A clause with one of these words says what the service does *not* do.
NEGATIONS = (
    "not", "no", "never", "cannot", "cant", "dont", "doesnt", "isnt", "arent", "wont", "unable", "without",
    "no longer", "closed", "stopped", "except",
)
#: A sentence with one of these is about people or things, not an offer of help.
STATEMENT_MARKERS = (
    "often", "many people", "most people", "some people", "lots of people", "is linked", "are linked",
    "books on", "books about", "leaflets on", "leaflets about", "to borrow",
)
#: Phrases whose drink words are about refreshments, not drinking.
INCIDENTAL_PHRASES = (
    "soft drinks", "soft drink", "hot drinks", "hot drink", "cold drinks", "drinks and snacks", "snacks and drinks",
    "food and drink", "food and drinks", "tea and coffee", "coffee and tea", "drinking water", "refreshments",
    "drinks machine", "drinks trolley",
)

_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE = re.compile(r"[:;,()]|\s+-\s+|\bbut\b|\bhowever\b|(?=\bbecause\b)")
#: A clause that says why a service exists ("because the parents' drug use means they cannot"): its negation is about
#: the people the service is for, not about what it offers, so the clause is kept.
_REASON = re.compile(r"^\s*because\b")


def _words(text: str) -> str:
    """Lower case, apostrophes dropped, other punctuation a space (the same habit as the need vocabularies)."""
    text = re.sub(r"['\u2019`]", "", text.lower())
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


def _has_any(words: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in words for phrase in phrases)


def _plain(description: str) -> str:
    text = _TAG.sub(" ", description or "")
    return html.unescape(text)


@lru_cache(maxsize=4096)
def offered_text(description: str | None) -> str:
    """The parts of ``description`` that say what the service offers (plain text, clauses joined by " ; ")."""
    kept: list[str] = []
    for sentence in _SENTENCE.split(_plain(description or "")):
        if not sentence.strip() or _has_any(_words(sentence), STATEMENT_MARKERS):
            continue
        for clause in _CLAUSE.split(sentence):
            words = _words(clause)
            if not words.strip() or (_has_any(words, NEGATIONS) and not _REASON.match(clause)):
                continue
            for phrase in INCIDENTAL_PHRASES:
                words = words.replace(f" {phrase} ", " ")
            if words.strip():
                kept.append(words.strip())
    return " ; ".join(kept)
