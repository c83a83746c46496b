"""Who is writing, and who the drinking or drug use belongs to, read from one message.

Why this exists: a message often names two people. "im 14 and my mum drinks every day, i have to look after my
little brother" is a 14-year-old writer worried about their mum (not help "for your brother", and never adult
treatment "for you"). "since my wife died i drink alone every night" names a wife but is about the writer's own
drinking. And numbers are not always ages: "im 10 days sober" or "been drinking for 15 years" are durations.

This module is plain Python (no Rasa) so it is easy to test; `actions.conversation` applies it to a tracker.

How it reads a message (each rule is a named pattern below):

1. Durations first: a number followed by a unit of time ("10 days", "15 years sober", "for 15 years",
   "12 weeks clean") is blanked out, so no later rule can take it for an age. "16 years old" is an age, not a
   duration.
2. The writer's own age: "im 14", "i am 14", "aged 14", "14 years old" with no relative before it, "me (14)".
3. Someone else's age: "my son is 15", "my 15 year old son", "my daughter (16)", "hes 17".
4. Whose use: "i drink", "im using", "my drinking" say the writer's own use; "my mum drinks", "my son's drug use",
   "worried about my dad" say someone else's. Bereavement ("since my wife died") is no one's use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

#: Youngest and oldest ages we take as real: "im 3" is more likely a slip than a three-year-old typing.
MIN_AGE, MAX_AGE = 8, 99

RELATIVES = (
    "mum", "mam", "mom", "mummy", "mother", "dad", "daddy", "father", "stepdad", "step dad", "stepmum", "step mum",
    "son", "daughter", "kid", "child", "boy", "girl", "brother", "sister", "bro", "sis", "husband", "wife",
    "partner", "boyfriend", "girlfriend", "bf", "gf", "fiance", "fiancee", "hubby", "missus", "friend", "mate",
    "best friend", "nan", "nana", "gran", "grandma", "grandad", "granddad", "grandson", "granddaughter", "uncle",
    "aunt", "auntie", "cousin", "flatmate", "housemate", "neighbour", "colleague", "other half", "ex",
)
_RELATIVE = "(?:" + "|".join(sorted((re.escape(r) for r in RELATIVES), key=len, reverse=True)) + ")"

_NUMBER_WORDS = {
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_NUMBER = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"

#: Units of time: a number followed by one of these is a duration, never an age.
_TIME_UNIT = r"(?:days?|weeks?|wks?|months?|mths?|hours?|hrs?|mins?|minutes?|nights?|yrs?|years?)"
#: What makes "N years" a duration rather than an age.
_DURATION_AFTER = r"(?:sober|clean|dry|off|free|ago|in recovery|into|now|of|on|without|since|and counting|straight)"

_DURATION_PATTERNS = (
    # "for 15 years", "since 10 days", "after 3 weeks", "over 2 years", "about 6 months"
    re.compile(rf"\b(?:for|since|after|over|about|around|nearly|almost|past|last|in|within|every|each)\s+(?:the\s+)?(?:last\s+|past\s+)?{_NUMBER}\s*\+?\s*{_TIME_UNIT}\b"),
    # "10 days sober", "15 years ago", "12 weeks clean"
    re.compile(rf"\b{_NUMBER}\s*\+?\s*{_TIME_UNIT}\s+{_DURATION_AFTER}\b"),
    # any number followed by a unit shorter than a year: "im 10 days", "3 weeks", "2 months"
    re.compile(rf"\b{_NUMBER}\s*(?:days?|weeks?|wks?|months?|mths?|hours?|hrs?|mins?|minutes?|nights?)\b"),
    # amounts that are not ages: "10 pints", "im on 12 cans a day", "6 units"
    re.compile(rf"\b{_NUMBER}\s*(?:pints?|cans?|units?|bottles?|glasses?|lines?|bags?|pills?|tablets?|quid|pounds?|am|pm|times|x)\b"),
)

_WRITER_AGE_PATTERNS = (
    re.compile(rf"\b(?:i'?m|i am|im|am)\s+(?:only\s+|just\s+)?{_NUMBER}\b"),
    re.compile(rf"\bme\s*\(\s*{_NUMBER}\s*\)"),
    re.compile(rf"\bi\s+(?:turned|turn|will be|'?ll be)\s+{_NUMBER}\b"),
)
_AGE_OLD = re.compile(
    rf"\b(?:aged|age)\s+{_NUMBER}\b|\b{_NUMBER}\s*(?:-|\s)?(?:years?|yrs?|yr)?\s*(?:-|\s)?(?:old|yo|y/o|y o)\b"
)

_OTHER_AGE_PATTERNS = (
    # "my son is 15", "my son, 15,", "my son who is 15", "my son (15)", "my son aged 15", "my son's 15"
    re.compile(rf"\bmy\s+(?:\w+\s+)?{_RELATIVE}(?:'?s|\s+is|\s+who\s+is|\s+whos|\s*,|\s*\(|\s+aged|\s+age)\s*(?:only\s+|just\s+)?{_NUMBER}\b"),
    # "my 15 year old son", "my 15yo daughter"
    re.compile(rf"\bmy\s+{_NUMBER}\s*(?:-|\s)?(?:years?|yrs?|yr)?\s*(?:-|\s)?(?:old|yo)\s+{_RELATIVE}\b"),
    # "hes 17", "she is 16"
    re.compile(rf"\b(?:he'?s|she'?s|he is|she is|they'?re|they are)\s+(?:only\s+|just\s+)?{_NUMBER}\b"),
)

#: Words that can come between "i" and the verb: "i really drink", "ive been using", "i still drink".
_ADVERBS = r"(?:(?:really|just|still|been|started|start|keep|always|now|also|only|properly|probably|have|had|do|cant stop|can't stop|tend to|used to|sometimes|often|then|mostly|usually|constantly|secretly|alone)\s+)*"
_USE_VERB = r"(?:drink|drinks|drinking|drank|drunk|use|using|used|smoke|smoking|take|taking|inject|injecting|sniff|sniffing|snort|snorting|gamble|binge|bingeing|on the (?:gear|drink|booze|bottle)|hooked|addicted|an alcoholic|alcoholic|dependent|relapsed|relapsing)"
_SELF_USE = (
    re.compile(rf"\b(?:i|i'?m|im|i'?ve|ive|i am|i have)\s+{_ADVERBS}{_USE_VERB}\b"),
    re.compile(r"\bmy\s+(?:own\s+)?(?:drinking|drink problem|drug use|using|habit|addiction|recovery|sobriety)\b"),
)
_OTHER_USE = (
    re.compile(rf"\bmy\s+(?:\w+\s+)?{_RELATIVE}(?:'?s)?\s+{_ADVERBS}(?:drinks|drinking|drank|uses|using|is using|is drinking|smokes|smoking|takes|injects|injecting|is on|has been|drink|drug|drugs|habit|addiction|alcoholic|is an alcoholic|is addicted|relapsed|gambles)\b"),
    re.compile(rf"\b(?:worried|worry|worrying|scared|concerned|frightened)\s+(?:about|for)\s+(?:my\s+)?(?:\w+\s+)?{_RELATIVE}\b"),
    re.compile(rf"\b(?:he|she|they)\s+{_ADVERBS}(?:drinks|uses|smokes|injects|is drinking|is using|is on)\b"),
)
_SUBJECT_RELATIVE = re.compile(
    rf"\bmy\s+(?:\w+\s+)?({_RELATIVE})(?:'?s)?\s+{_ADVERBS}(?:drinks|drinking|drank|uses|using|is using|is drinking|smokes|smoking|takes|injects|injecting|is on|drink|drug|drugs|habit|addiction|alcoholic|is an alcoholic|is addicted|relapsed)\b"
    rf"|\b(?:worried|worry|worrying|scared|concerned|frightened)\s+(?:about|for)\s+my\s+(?:\w+\s+)?({_RELATIVE})\b"
)


@dataclass(frozen=True)
class WhoIsWriting:
    """What one message says about the writer and the person it is about. None means "not said"."""

    writer_age: Optional[int] = None
    other_age: Optional[int] = None
    #: "self" when the message is about the writer's own use, "someone_else" when about another's, else None.
    whose_use: Optional[str] = None
    #: The relative whose use is described ("mum" in "my mum drinks"), as written.
    subject_relationship: Optional[str] = None
    #: Special groups the writer says they are in or asks for ("women only", "im a student"): services made for
    #: such a group (knowledge.ranking.groups) are offered only to people in it.
    groups: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", lowered).strip()


def _number(token: str) -> Optional[int]:
    value = _NUMBER_WORDS.get(token) if not token.isdigit() else int(token)
    return value if value is not None and MIN_AGE <= value <= MAX_AGE else None


def without_durations(text: str) -> str:
    """The text with every duration or amount blanked out ("10 days sober" -> " ~ ")."""
    blanked = normalise(text)
    for pattern in _DURATION_PATTERNS:
        blanked = pattern.sub(" ~ ", blanked)
    return blanked


def _first_number(patterns, text: str) -> Optional[int]:
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = _number(next(g for g in match.groups() if g))
            if value is not None:
                found.append((match.start(), value))
    return min(found)[1] if found else None


def _writer_age(text: str) -> Optional[int]:
    stated = _first_number(_WRITER_AGE_PATTERNS, text)
    if stated is not None:
        return stated
    # "15 years old" with no relative or he/she before it in the same clause is the writer.
    for match in _AGE_OLD.finditer(text):
        before = re.split(r"[.,;!?]| and | but ", text[: match.start()])[-1]
        if not re.search(rf"\b(?:{_RELATIVE}|he|she|they|hes|shes|he's|she's|my)\b", before):
            return _number(next(g for g in match.groups() if g))
    bare = re.fullmatch(r"\s*(\d{1,2})\s*", text)
    return _number(bare.group(1)) if bare else None


def _whose_use(text: str) -> Optional[str]:
    self_use = any(p.search(text) for p in _SELF_USE)
    other_use = any(p.search(text) for p in _OTHER_USE)
    if self_use and not other_use:
        return "self"
    if other_use and not self_use:
        return "someone_else"
    return None


#: What puts a writer in a special group, as whole-phrase patterns on the normalised message. A woman who asks
#: for a women-only group, or says she is a woman, can be offered one; a student, the university's service.
_STATED_GROUPS = {
    "women": re.compile(
        r"\b(?:wom[ae]n only|only wom[ae]n|all wom[ae]n|wom[ae]n'?s (?:group|only|service|meeting)s?|for wom[ae]n"
        r"|female only|ladies only|(?:i'?m|i am|as) a (?:woman|female|lady|girl)|i'?m female)\b"
    ),
    "students": re.compile(r"\b(?:students?|at uni|at university|uni|freshers?)\b"),
}


def stated_groups(text: str) -> tuple[str, ...]:
    """The special groups a message says the writer is in or asks for, in a fixed order."""
    plain = normalise(text or "")
    return tuple(group for group, pattern in _STATED_GROUPS.items() if pattern.search(plain))


def read_message(text: str) -> WhoIsWriting:
    """Ages, whose use and the relative concerned, as far as this one message says."""
    plain = without_durations(text or "")
    subject = _SUBJECT_RELATIVE.search(plain)
    return WhoIsWriting(
        writer_age=_writer_age(plain),
        other_age=_first_number(_OTHER_AGE_PATTERNS, plain),
        whose_use=_whose_use(plain),
        subject_relationship=next((g for g in subject.groups() if g), None) if subject else None,
        groups=stated_groups(plain),
    )
