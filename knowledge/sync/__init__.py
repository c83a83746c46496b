"""Keeping the directory fresh from a council's live ORUK 1.0/3.0 or HSDS 3.0 API.

``client`` speaks HTTP politely (timeouts, retries with backoff, a rate limit); ``feed`` pages through
``/services`` and fetches ``/services/{id}`` when the list is shallow; ``apply`` writes what was read in one
transaction and says what was added, changed, withdrawn and rejected; ``schedule`` repeats a sync in the
background of ``signpost run``. Reading and writing are separate steps so that a feed that fails half way
changes nothing.
"""
