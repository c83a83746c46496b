"""Ranking: which of the services that fit comes first, for the person who is actually writing.

Apart from search on purpose: :mod:`knowledge.search.finder` finds the candidates (active, in the area's scope,
fitting the need at all, allowed for the person's age) and gathers the facts about each; this package turns the
facts into one score with its reasons. See docs/ranking.md.

* :mod:`.offers`: what a description says a service offers (negations, refreshments and statements left out);
* :mod:`.groups`: special groups (prison leavers, young people, families, rough sleepers, injecting, ...) of a
  service and of a person;
* :mod:`.model`: the factors and weights, the score with its reasons, deterministic order.
"""
