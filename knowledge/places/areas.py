"""Where the person is: recognise a town, county, service area or postcode in whatever they typed.

The places come from the directory itself (address cities, counties, service-area names, the postcode districts
of service addresses) plus the small bundled gazetteer (:func:`knowledge.bundled.loader.load_places`). So a council that
imports its own directory is understood at once, without retraining the language model.

People type "in cheltnam", "WR1 2AB", "wr12ab", "near leicster pls". Matching forgives case, punctuation,
"in"/"near"/"around", and small typos (edit distance grows with the length of the name). It must never turn an
ordinary word into a place ("help", "drink" and "son" are not "Selby"), so:

* fuzzy matching needs at least 5 letters, the same first letter, and at most 1 edit (2 for 8+ letters);
* common chat words are never fuzzily matched, and a place whose name *is* a common word ("Reading",
  "Sale", "March") is taken only when it is the whole answer or follows "in", "near", "around", "from", "at".

People also write places their own way, so each name is known by its everyday forms too (aliases):

* "&" and "and" are the same ("Brighton & Hove", "brighton and hove"); curly apostrophes are apostrophes;
* a name with a comma or brackets is also known by each part ("Hull, East Riding" -> "hull"), and a name with a
  prefix or a river by its short form ("Great Yarmouth" -> "yarmouth", "King's Lynn" -> "lynn",
  "Stratford-upon-Avon" -> "stratford") when no other place claims that form;
* local names listed as data in the gazetteer's ``aliases`` ("brum" -> Birmingham), used only when the place
  itself is known (from the directory or the gazetteer).

A well-formed postcode whose district the directory does not know still resolves, to an area of kind
``postcode_district`` with nothing containing it, so the reply can say "I don't have local services for WR1 yet"
instead of pretending not to understand.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.needs.catalogue import normalise_text
from knowledge.store.models import Address, Service, ServiceArea

__all__ = [
    "Area",
    "AreaIndex",
    "normalise_postcode",
    "postcode_district",
    "edit_distance",
    "directory_fingerprint",
]

#: Kinds, most specific first: when one message names two places ("Cheltenham, Gloucestershire") the more
#: specific wins. A name that is both a county and a service area ("Gloucestershire") is a county.
KIND_PRIORITY = {"postcode_district": 0, "town": 1, "county": 2, "service_area": 3}

_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", re.IGNORECASE)

#: First words dropped to get a place's short form ("Great Yarmouth" -> "yarmouth").
_DROPPABLE_PREFIXES = frozenset({"great", "little", "market", "kings", "bishops", "royal", "old", "new", "east", "west",
                                 "north", "south", "upper", "lower", "long", "high", "chipping"})
#: Words after which the rest of a name is a river or a qualifier ("Newcastle upon Tyne" -> "newcastle").
_QUALIFIER_WORDS = frozenset({"upon", "on", "under", "in", "le", "by"})
_CURLY_QUOTES = re.compile(r"[\u2018\u2019\u02bc\u2032`\u00b4]")

#: Words before a place that make a common-word place name safe to take ("i live in reading").
_LOCATIVES = frozenset({"in", "near", "around", "from", "at", "nr", "by", "outside"})

#: Short forms people and councils use for counties; used only when the county is in the index.
_COUNTY_ABBREVIATIONS = {
    "glos": "gloucestershire", "gloucs": "gloucestershire", "leics": "leicestershire",
    "notts": "nottinghamshire", "lancs": "lancashire", "worcs": "worcestershire", "herts": "hertfordshire",
    "beds": "bedfordshire", "bucks": "buckinghamshire", "berks": "berkshire", "wilts": "wiltshire",
    "oxon": "oxfordshire", "hants": "hampshire", "northants": "northamptonshire", "cambs": "cambridgeshire",
    "staffs": "staffordshire", "lincs": "lincolnshire", "warks": "warwickshire", "derbys": "derbyshire",
    "shrops": "shropshire", "yorks": "yorkshire", "gtr manchester": "greater manchester",
}

#: Words that turn up in messages to signpost and must never be read as a place by fuzzy matching, nor taken as
#: an exact place name unless the person clearly gives a place ("Sale", "Reading", "March", "Street" exist).
COMMON_WORDS = frozenset(
    """
    a about after again all alot also am an and any anyone anything anywhere are around as at away bad be been
    before being best better big bit booze both but by call can cant care come could cut daughter day dad days
    deal do does dont down drink drinking drinks drug drugs drunk each else even every family few find for
    friend friends from get getting give go going gone good got had has have having he hello help her here hi
    him his home hope hour hours how i if im in into is it its job just keep kind know last late leave left
    less life like little live living long look lot love make many march may me mean meet meeting men mine
    more morning most mum much must my near need needs never new next nice night no none not nothing now of
    off ok okay old on once one only open or other our out over people place please pls really reading right
    sale same say see self shes should since sleep so some someone something son soon sorry start still stop
    street such support sure take talk tell than thank thanks that the their them then there these they thing
    things think this those though time to today tomorrow tonight too try up us use used using very want was
    way we week weekend well were what when where which while who why will wine with without woman women work
    worried worry would yeah yes yet you young your
    alcohol alcoholic addiction anxious brother sister partner husband wife boyfriend girlfriend nan grandad
    heroin crack cocaine weed cannabis spice methadone needle needles prison probation jail homeless mental
    health groups group recovery service services centre center hospital doctor gp clinic chemist pharmacy
    scared frightened struggling worse worst drinker drinkers using hungover sober sick ill dying safe
    """.split()
)


#: Names for the whole country; never an area (they mean "anywhere").
NATIONAL_NAMES = frozenset(
    {"england", "uk", "united kingdom", "great britain", "britain", "gb", "nationwide", "national", "anywhere"}
)


@dataclass(frozen=True)
class Area:
    """A place the directory (or the gazetteer) knows, or a postcode district."""

    name: str
    kind: str  # "town" | "county" | "service_area" | "postcode_district" (actions also use "unknown")
    postcode_district: str | None
    #: Names of larger areas it lies in, e.g. ("Gloucestershire",) for Cheltenham.
    containing: tuple[str, ...]


def normalise_postcode(text: str | None) -> str | None:
    """The first full UK postcode in ``text`` in standard form (``"wr12ab"`` -> ``"WR1 2AB"``), or None."""
    if not text:
        return None
    match = _POSTCODE.search(text)
    if not match:
        return None
    return f"{match.group(1).upper()} {match.group(2).upper()}"


def postcode_district(text: str | None) -> str | None:
    """The postcode district (outward code) of a full postcode in ``text``, or of a bare district ("gl50")."""
    full = normalise_postcode(text)
    if full:
        return full.split()[0]
    stripped = (text or "").strip()
    if _DISTRICT.match(stripped):
        return stripped.upper()
    return None


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours).

    With ``limit``, stops early and returns ``limit + 1`` as soon as the distance must exceed it.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous_previous is not None
                and i > 1
                and j > 1
                and ca == b[j - 2]
                and a[i - 2] == cb
            ):
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


def _allowed_edits(length: int) -> int:
    """Typos forgiven for a name of this many letters: none below 5, one up to 7, two from 8."""
    if length < 5:
        return 0
    if length < 8:
        return 1
    return 2


def directory_fingerprint(session: Session) -> str:
    """A cheap fingerprint of the place data in the directory, to know when an index is stale.

    Each count and maximum is its own scalar subquery (one round trip): asked together in one SELECT, SQLite
    reads every row for the maxima; apart, each maximum is one look-up in its index (migration 0003) and each
    count (``count(*)``, so SQLite picks its smallest index) an index-only scan.
    """
    figures = (
        select(func.count()).select_from(Address), select(func.count(func.distinct(Address.city))),
        select(func.max(Address.postal_code)),
        select(func.count()).select_from(ServiceArea), select(func.max(ServiceArea.name)),
        select(func.count()).select_from(Service), select(func.max(Service.last_modified)),
    )
    row = session.execute(select(*(figure.scalar_subquery() for figure in figures))).one()
    raw = repr((tuple(row[0:3]), tuple(row[3:5]), tuple(row[5:7])))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _load_gazetteer() -> list:
    """The bundled gazetteer of towns; empty if the bundled module is not available."""
    try:
        from knowledge.bundled.loader import load_places
    except ImportError:  # pragma: no cover - only while the bundled data is being written
        return []
    try:
        return list(load_places())
    except (OSError, ValueError):  # pragma: no cover - a broken data file must not stop search
        return []


class _Builder:
    """Collects names from several sources, merging what it learns about each one."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.display: dict[str, str] = {}
        self.containing: dict[str, dict[str, None]] = {}  # ordered sets
        self.district_places: dict[str, dict[str, None]] = {}

    def add(self, name: str | None, kind: str, containing: Iterable[str | None] = ()) -> None:
        if not name or not name.strip():
            return
        key = normalise_text(name)
        if not key:
            return
        display = " ".join(name.split())
        if key not in self.kinds or KIND_PRIORITY[kind] < KIND_PRIORITY[self.kinds[key]]:
            self.kinds[key] = kind
            self.display[key] = display
        bucket = self.containing.setdefault(key, {})
        for outer in containing:
            if outer and normalise_text(outer) and normalise_text(outer) != key:
                bucket[" ".join(outer.split())] = None

    def add_district(self, district: str | None, places: Iterable[str | None]) -> None:
        if not district:
            return
        bucket = self.district_places.setdefault(district.upper(), {})
        for place in places:
            if place and place.strip():
                bucket[" ".join(place.split())] = None


class AreaIndex:
    """Every place name the directory knows, ready to find in a message.

    Build once per directory version (:meth:`build`) and reuse; :attr:`version` is the directory fingerprint at
    build time, and :meth:`is_current` says whether the directory has changed since.
    """

    def __init__(
        self,
        areas: dict[str, Area],
        districts: dict[str, Area],
        version: str = "",
        aliases: dict[str, str] | None = None,
    ) -> None:
        self._areas = dict(areas)  # normalised name -> Area (aliases point at the same Area)
        self._districts = districts  # "WR1" -> Area
        self.version = version
        self._canonical = frozenset(areas)
        for alias, key in _all_aliases(areas, aliases or {}).items():
            self._areas[alias] = areas[key]
        self._by_compact: dict[str, list[str]] = {}
        for key in self._areas:
            self._by_compact.setdefault(key.replace(" ", ""), []).append(key)
        areas = self._areas
        self._max_words = max((len(key.split()) for key in areas), default=1)
        # Members: which places lie within each larger area (for "services in Gloucestershire").
        self._members: dict[str, list[str]] = {}
        for area in list(areas.values()) + list(districts.values()):
            for outer in area.containing:
                self._members.setdefault(normalise_text(outer), []).append(area.name)

    # --- building -------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, session: Session, places: Sequence | None = None) -> "AreaIndex":
        """Read place names from the directory (and the gazetteer; pass ``places`` to use another list)."""
        builder = _Builder()
        rows = session.execute(
            select(Address.city, Address.state_province, Address.postal_code).distinct()
        ).all()
        for city, county, postal_code in rows:
            builder.add(county, "county")
            builder.add(city, "town", [county])
            builder.add_district(postcode_district(postal_code), [city, county])
        # The service areas of national lines ("England") are not places a person is in: "anywhere in England"
        # means no area, not an area with no local services.
        local_areas = (
            select(ServiceArea.name)
            .join(Service, Service.id == ServiceArea.service_id)
            .where(Service.is_national.is_(False))
            .distinct()
        )
        for (name,) in session.execute(local_areas).all():
            if normalise_text(name) not in NATIONAL_NAMES:
                builder.add(name, "service_area")
        for place in _load_gazetteer() if places is None else places:
            county = getattr(place, "county", None)
            wider = tuple(getattr(place, "wider_areas", ()) or ())
            for area in wider:
                builder.add(area, "county")
            builder.add(county, "county", wider)
            builder.add(place.name, "town", (county, *wider))
            for district in getattr(place, "postcode_districts", ()) or ():
                builder.add_district(str(district).upper(), [place.name, county, *wider])
        return cls.from_builder(builder, version=directory_fingerprint(session), aliases=_load_gazetteer_aliases())

    @classmethod
    def from_builder(cls, builder: _Builder, version: str = "", aliases: dict[str, str] | None = None) -> "AreaIndex":
        areas = {
            key: Area(
                name=builder.display[key],
                kind=builder.kinds[key],
                postcode_district=None,
                containing=tuple(builder.containing.get(key, {})),
            )
            for key in builder.kinds
        }
        districts: dict[str, Area] = {}
        for district, places in builder.district_places.items():
            containing: dict[str, None] = {}
            for place in places:
                containing[place] = None
                # A district inside Cheltenham is also inside whatever contains Cheltenham.
                known = areas.get(normalise_text(place))
                for outer in known.containing if known else ():
                    containing[outer] = None
            districts[district] = Area(
                name=district, kind="postcode_district", postcode_district=district, containing=tuple(containing)
            )
        return cls(areas, districts, version=version, aliases=aliases)

    def is_current(self, session: Session) -> bool:
        return directory_fingerprint(session) == self.version

    # --- queries --------------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Every place name known, sorted (postcode districts included; aliases give their place's name)."""
        return sorted({area.name for area in self._areas.values()} | set(self._districts))

    def get(self, name: str) -> Area | None:
        """The area with exactly this name (any case/punctuation), or None."""
        district = name.strip().upper()
        if district in self._districts:
            return self._districts[district]
        return self._areas.get(normalise_text(name))

    def members(self, name: str) -> list[str]:
        """Names of the places known to lie within ``name`` (towns in a county, districts in a town)."""
        return list(dict.fromkeys(self._members.get(normalise_text(name), [])))

    def resolve(self, text: str | None) -> Area | None:
        """Find a place anywhere in ``text`` (a whole message or a bare answer); None if there is none."""
        if not text or not text.strip():
            return None
        text = _CURLY_QUOTES.sub("'", text)
        full = normalise_postcode(text)
        if full:
            return self._district_area(full.split()[0])
        words = normalise_text(text).split()
        if not words:
            return None
        # A bare district ("gl50", "WR1") as the answer, or a known district inside a longer message.
        for position, word in enumerate(words):
            if _DISTRICT.match(word):
                upper = word.upper()
                after_locative = position > 0 and words[position - 1] in _LOCATIVES
                short_answer = len(words) <= 3 and all(w in COMMON_WORDS or w == word for w in words)
                if upper in self._districts or len(words) == 1 or after_locative or short_answer:
                    return self._district_area(upper)
        found = self._exact(words) or self._fuzzy(words)
        return found

    def _district_area(self, district: str) -> Area:
        known = self._districts.get(district)
        if known is not None:
            return known
        return Area(name=district, kind="postcode_district", postcode_district=district, containing=())

    def _candidate_spans(self, words: list[str]) -> Iterable[tuple[int, int]]:
        """(start, end) word spans, longest first, then left to right."""
        longest = min(self._max_words, len(words))
        for size in range(longest, 0, -1):
            for start in range(0, len(words) - size + 1):
                yield start, start + size

    def _safe_single_word(self, words: list[str], start: int, end: int) -> bool:
        """A common word ("reading") counts as a place only as the whole answer or after "in"/"near"/…"""
        if end - start > 1 or words[start] not in COMMON_WORDS:
            return True
        content = [w for w in words if w not in _LOCATIVES]
        if content == [words[start]]:
            return True
        return start > 0 and words[start - 1] in _LOCATIVES

    def _exact(self, words: list[str]) -> Area | None:
        found: list[tuple[int, int, Area, int, int]] = []  # (-span length, kind priority, area, start, end)
        for start, end in self._candidate_spans(words):
            phrase = " ".join(words[start:end])
            key = phrase if phrase in self._areas else None
            if key is None and phrase in _COUNTY_ABBREVIATIONS and _COUNTY_ABBREVIATIONS[phrase] in self._areas:
                key = _COUNTY_ABBREVIATIONS[phrase]
            if key is None:
                compact = self._by_compact.get(phrase.replace(" ", ""))
                key = compact[0] if compact else None
            if key is None or not self._safe_single_word(words, start, end):
                continue
            found.append((-(end - start), KIND_PRIORITY[self._areas[key].kind], self._areas[key], start, end))
        # A name inside a longer name is not a place of its own ("Worcester" in "Worcester City").
        found = [
            item for item in found
            if not any(o[3] <= item[3] and item[4] <= o[4] and (o[4] - o[3]) > (item[4] - item[3]) for o in found)
        ]
        if not found:
            return None
        # Of separate places named ("Cheltenham, Gloucestershire"), the most specific kind wins, then the longest.
        found.sort(key=lambda item: (item[1], item[0]))
        return found[0][2]

    def _fuzzy(self, words: list[str]) -> Area | None:
        best: tuple[int, int, int, str] | None = None  # (distance, kind priority, -length, key)
        for start, end in self._candidate_spans(words):
            span = words[start:end]
            if span[0] in _LOCATIVES or span[-1] in _LOCATIVES or any(w in COMMON_WORDS for w in span):
                continue
            typed = "".join(span)
            if len(typed) < 5:
                continue
            for compact, keys in self._by_compact.items():
                if compact[0] != typed[0]:
                    continue
                allowed = min(_allowed_edits(len(compact)), _allowed_edits(len(typed)))
                if allowed == 0 or abs(len(compact) - len(typed)) > allowed:
                    continue
                distance = edit_distance(typed, compact, limit=allowed)
                if distance > allowed:
                    continue
                for key in keys:
                    candidate = (distance, KIND_PRIORITY[self._areas[key].kind], -len(compact), key)
                    if best is None or candidate < best:
                        best = candidate
        return self._areas[best[3]] if best else None


# --- aliases: the everyday forms of a place's name ----------------------------------------------------------------


def _name_forms(key: str) -> list[str]:
    """Other normalised forms of a normalised name: with "and" for "&" and without it, short forms."""
    words = key.split()
    forms = []
    if "and" in words:
        forms.append(" ".join(w for w in words if w != "and"))
    if len(words) >= 2 and words[0] in _DROPPABLE_PREFIXES:
        forms.append(" ".join(words[1:]))
    for position, word in enumerate(words[1:], start=1):
        if word in _QUALIFIER_WORDS and position < len(words) - 1:
            forms.append(" ".join(words[:position]))
            break
    return forms


def _display_forms(name: str) -> list[str]:
    """Normalised forms read from the name as written: "&" as "and", and each part around commas or brackets."""
    forms = [normalise_text(name.replace("&", " and "))]
    parts = [part for part in re.split(r"[,()/]", name) if part.strip()]
    if len(parts) > 1:
        forms += [normalise_text(part) for part in parts]
    return forms


def _all_aliases(areas: dict[str, Area], data_aliases: dict[str, str]) -> dict[str, str]:
    """alias -> normalised name of the place it stands for; forms claimed by two places are left out."""
    claims: dict[str, set[str]] = {}
    for key, area in areas.items():
        for form in [*_display_forms(area.name), *_name_forms(key)]:
            if form and form != key and len(form) >= 4 and form not in COMMON_WORDS:
                claims.setdefault(form, set()).add(key)
    derived = {form: next(iter(keys)) for form, keys in claims.items() if len(keys) == 1 and form not in areas}
    for alias, place in data_aliases.items():
        alias_key, place_key = normalise_text(alias), normalise_text(place)
        if place_key in areas and alias_key and alias_key not in areas:
            derived[alias_key] = place_key
    return derived


def _load_gazetteer_aliases() -> dict[str, str]:
    """Local names for places, kept as data in the gazetteer (``aliases``: alias -> place name)."""
    try:
        import json

        from knowledge.bundled.loader import PLACES_FILE
    except ImportError:  # pragma: no cover - only while the bundled data is being written
        return {}
    try:
        data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # pragma: no cover - a broken data file must not stop search
        return {}
    aliases = data.get("aliases") or {}
    return {str(k): str(v) for k, v in aliases.items() if not str(k).startswith("_")}
