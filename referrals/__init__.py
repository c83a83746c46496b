"""Call-back requests that are never lost: an encrypted outbox and its delivery (plain Python, no Rasa).

A person who asks a service to call them back agrees to one sentence naming the service and what it will
receive. In the same database transaction that confirms the request it is written, encrypted, to the outbox
(``store.Outbox.add``). A worker (``worker.deliver_due``, run by ``signpost referrals deliver``) then sends it
the way the council set for that service (``routes``): an email over SMTP with STARTTLS, or a signed HTTPS
webhook. Failed sends are retried with growing waits; after the last try the council's admin address gets the
request so a person can pass it on. A delivered request is deleted (its reference and keyed hashes stay a day, so
the same "yes" run again, keyed by its form's token, is not sent again). "Forget me" before delivery cancels it;
during a send it cannot, and the person is told. The routes file is read again whenever it changes.

Modules: ``settings`` (environment), ``phone`` (call-back numbers), ``routes`` (where each service's requests
go), ``sealing`` (encryption), ``models`` and ``store`` (the outbox table and every query on it), ``request``
(what a request holds and how it reads), ``delivery`` (email and webhook), ``worker`` (retries and admin notice).
"""
