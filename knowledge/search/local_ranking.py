"""The local options in the ranking's order, worked out only as far as they are read: services alike for the
ranking are scored once, and what a search works out before the time matters is kept per directory snapshot."""
from __future__ import annotations

import heapq
from dataclasses import fields
from datetime import datetime
from typing import Callable, Sequence

from knowledge.hours.engine import LONDON, OpeningStatus
from knowledge.needs.catalogue import GENERAL, Fit
from knowledge.ranking.model import NO_CONTACT, Facts, Scored, order_key
from knowledge.search.candidates import Candidate
from knowledge.search.snapshot import DirectorySnapshot, ServiceRecord

# --- Ranking the local options --------------------------------------------------------------------------------

#: A need, time and opening status that stand for "any", to read what a record alone puts in its Facts.
_ANY_TIME = datetime(2000, 1, 12, 12, 0, tzinfo=LONDON)
_NO_STATUS = OpeningStatus(known=False, open_now=False, always_open=False, closes_at=None, next_opens_at=None)

#: The Facts fields that are not the service's identity (its id and name only break ties).
_PROFILE_FIELDS = tuple(f.name for f in fields(Facts) if f.name not in ("key", "name"))


def profile_of(snapshot: DirectorySnapshot, service: ServiceRecord) -> int:
    """A number shared by services that put the same into their Facts (knowledge.ranking.model) apart from their
    id and name and what the search decides (fit to its need, closeness, hours, the person's substance). Read off
    the Facts themselves, built the one way at a fixed need, time and person, so whatever a record brings to them,
    in any factor added later too, is in it. Kept per snapshot."""
    profiles = snapshot.memo.setdefault("profiles", {})
    number = profiles.get(service.id)
    if number is None:
        facts = Candidate(service=service, fit=Fit.NONE, status=_NO_STATUS).facts(
            GENERAL, frozenset(), None, None, _ANY_TIME
        )
        numbers = snapshot.memo.setdefault("profile_numbers", {})
        values = tuple(getattr(facts, name) for name in _PROFILE_FIELDS)
        number = profiles[service.id] = numbers.setdefault(values, len(numbers))
    return number


class LocalRanking:
    """The offered local candidates in the ranking's order (:func:`knowledge.ranking.model.order_key`), worked out
    only as far as they are read.

    Candidates with the same ``alike`` key have the same Facts but for their id and name, so the same verdict and
    score; among themselves, already in name order, they keep that order (the model breaks ties by name, then id).
    One of each kind is scored to know whether the kind is offered; the best ``n`` are a merge of the kinds, which
    scores only the candidates taken and the next of each kind. A search with ~900 local candidates thus scores a
    few dozen for its first answer, and "more options" scores the rest when it is read. With ``alike=id`` every
    candidate is its own kind: each is scored, as a plain sort would (tests compare the two).
    """

    def __init__(self, candidates: Sequence[Candidate], alike: Callable[[Candidate], object],
                 rank: Callable[[Candidate], Scored]) -> None:
        kinds: dict[object, list[Candidate]] = {}
        for c in candidates:
            kinds.setdefault(alike(c), []).append(c)
        self._rank = rank
        self._offered: list[list[Candidate]] = []
        #: Candidates not offered because there is no way to contact them.
        self.uncontactable = 0
        for members in kinds.values():
            verdict = rank(members[0])
            if verdict.offered:
                self._offered.append(members)
            elif verdict.excluded == NO_CONTACT:
                self.uncontactable += len(members)
        self.count = sum(len(members) for members in self._offered)
        self.any_open = any(members[0].status.open_now for members in self._offered)

    def best(self, n: int, where: Callable[[Candidate], bool] | None = None) -> list[Candidate]:
        """The best ``n`` offered candidates, in order (only kinds whose candidates meet ``where``)."""
        heap = [
            (order_key(self._rank(members[0])), i, 0)
            for i, members in enumerate(self._offered)
            if where is None or where(members[0])
        ]
        heapq.heapify(heap)
        taken: list[Candidate] = []
        while heap and len(taken) < n:
            _key, i, j = heapq.heappop(heap)
            members = self._offered[i]
            taken.append(members[j])
            if j + 1 < len(members):
                heapq.heappush(heap, (order_key(self._rank(members[j + 1])), i, j + 1))
        return taken
