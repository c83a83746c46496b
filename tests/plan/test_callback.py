"""A call-back request, action by action: who can be asked, each answer checked, nothing sent without "yes",
written to the outbox before the person is told, cancelled by "forget me", and delivered to a real SMTP server."""
from __future__ import annotations

import asyncio
import os
import threading

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import callback as cb
from actions.privacy import FORGOTTEN, ActionForgetMe
from referrals.routes import Routes
from referrals.settings import RetryPolicy, SmtpSettings
from referrals.worker import Worker
from replies import callback as words
from tests.actions.conftest import make_tracker, run_action, slot_events, texts
from tests.plan.conftest import ALCOHOL_SERVICE, RECOVERY_HUB, SUNDAY_2AM
from tests.referrals.servers import SmtpServer, make_certificates, wait_for

pytestmark = pytest.mark.usefixtures("directory_database")

PLAN = [ALCOHOL_SERVICE, RECOVERY_HUB, "national-frank"]
ANSWERS = {
    cb.SERVICE: RECOVERY_HUB, cb.NAME: "Sam", cb.PHONE: "07700900123", cb.TIME: "weekday mornings",
    cb.MESSAGE_OK: False, cb.CONSENT: True,
}


def tracker(text="", *, sender="test-sender", **slots):
    t = make_tracker(text, metadata={"now": SUNDAY_2AM}, slots={"plan_ids": PLAN, **slots})
    t.sender_id = sender
    return t


def validate(slot, value, **slots):
    dispatcher = CollectingDispatcher()
    method = getattr(cb.ValidateCallbackForm(), f"validate_{slot}")
    result = asyncio.run(method(value, dispatcher, tracker(str(value), **slots), {}))
    return result, texts(dispatcher.messages)


# ---- who can be asked ------------------------------------------------------------------------------------------


def test_the_one_service_with_a_route_is_chosen_without_asking(routes_file):
    _, events = run_action(cb.ActionCallbackStart(), tracker())
    assert slot_events(events)[cb.SERVICE] == RECOVERY_HUB


def test_no_route_means_the_form_ends_at_once_with_a_kind_answer(monkeypatch):
    monkeypatch.delenv("SIGNPOST_REFERRAL_ROUTES", raising=False)
    _, events = run_action(cb.ActionCallbackStart(), tracker())
    assert slot_events(events)[cb.SERVICE] == cb.NOT_GIVEN
    required = asyncio.run(cb.ValidateCallbackForm().required_slots(
        cb.FORM_SLOTS, CollectingDispatcher(), tracker(**{cb.SERVICE: cb.NOT_GIVEN}), {}))
    assert required == []
    messages, _ = run_action(cb.ActionCallbackSubmit(), tracker(**{cb.SERVICE: cb.NOT_GIVEN}))
    assert texts(messages) == words.NO_ROUTE
    assert messages[0]["buttons"][0]["payload"] == "/ask_plan"


def test_without_an_outbox_key_no_call_back_is_offered(routes_file, monkeypatch):
    monkeypatch.delenv("SIGNPOST_OUTBOX_KEY", raising=False)
    _, events = run_action(cb.ActionCallbackStart(), tracker())
    assert slot_events(events)[cb.SERVICE] == cb.NOT_GIVEN


def test_before_any_search_there_is_nothing_to_call_about(routes_file):
    t = make_tracker("call me", metadata={"now": SUNDAY_2AM}, slots={cb.SERVICE: cb.NOT_GIVEN})
    messages, _ = run_action(cb.ActionCallbackSubmit(), t)
    assert texts(messages) == words.NOTHING_YET


def test_with_two_routes_the_person_picks_by_button_number_or_name(routes_file):
    routes_file.write_text(
        f"services:\n  {RECOVERY_HUB}:\n    email: a@oakhaven.example\n"
        f"  {ALCOHOL_SERVICE}:\n    webhook: https://crm.oakhaven.example/hook\n    secret: {'s' * 20}\n"
    )
    _, events = run_action(cb.ActionCallbackStart(), tracker())
    assert slot_events(events)[cb.SERVICE] is None  # asked
    messages, _ = run_action(cb.ActionAskCallbackService(), tracker())
    assert [b["title"] for b in messages[0]["buttons"]] == ["Oakhaven Alcohol Service", "Oakhaven Recovery Hub"]
    assert validate(cb.SERVICE, "2")[0] == {cb.SERVICE: RECOVERY_HUB}
    assert validate(cb.SERVICE, "oakhaven alcohol service")[0] == {cb.SERVICE: ALCOHOL_SERVICE}
    result, said = validate(cb.SERVICE, "the other one")
    assert result == {cb.SERVICE: None} and said == words.UNKNOWN_SERVICE


# ---- each answer checked ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, stored", [("07700 900123", "07700900123"), ("+44 1632 960 999", "01632960999")])
def test_a_uk_number_is_kept_in_national_form(typed, stored):
    assert validate(cb.PHONE, typed) == ({cb.PHONE: stored}, "")


@pytest.mark.parametrize("typed", ["999", "0800 123 4567", "12345", "call me tomorrow", "0909 876 5432"])
def test_a_bad_number_is_asked_again_kindly(typed):
    result, said = validate(cb.PHONE, typed)
    assert result == {cb.PHONE: None} and said == words.BAD_PHONE


@pytest.mark.parametrize("typed, stored", [("sam", "Sam"), ("my name is Jo", "Jo"), ("skip", cb.NOT_GIVEN),
                                           ("Mary-Jane", "Mary-Jane"), ("Siân", "Siân")])
def test_a_first_name_or_nickname_or_none(typed, stored):
    assert validate(cb.NAME, typed)[0] == {cb.NAME: stored}


def test_a_number_is_not_taken_as_a_name():
    result, said = validate(cb.NAME, "07700900123")
    assert result == {cb.NAME: None} and said == words.BAD_NAME


@pytest.mark.parametrize("typed, answer", [("yes", True), ("Yeah", True), ("no", False), ("nah", False)])
def test_yes_and_no(typed, answer):
    assert validate(cb.MESSAGE_OK, typed)[0] == {cb.MESSAGE_OK: answer}
    assert validate(cb.CONSENT, typed)[0] == {cb.CONSENT: answer}


def test_an_unclear_answer_to_consent_is_asked_again_not_taken_as_yes():
    result, said = validate(cb.CONSENT, "what will they do with it")
    assert result == {cb.CONSENT: None} and said == words.ASK_AGAIN_YES_NO


def test_cancel_at_any_question_ends_it_with_nothing_sent():
    result, _ = validate(cb.PHONE, "cancel")
    assert result[cb.CONSENT] is False
    required = asyncio.run(cb.ValidateCallbackForm().required_slots(
        cb.FORM_SLOTS, CollectingDispatcher(), tracker(**result), {}))
    assert required == []


def test_the_consent_sentence_names_the_service_and_everything_it_will_get(routes_file):
    slots = {**ANSWERS, cb.CONSENT: None}
    messages, _ = run_action(cb.ActionAskCallbackConsent(), tracker(**slots))
    text = texts(messages)
    assert "Oakhaven Recovery Hub will get the name Sam, your number ending 123" in text
    assert "weekday mornings" in text and "should not leave a message" in text and "yes or no" in text


# ---- the end ---------------------------------------------------------------------------------------------------


def test_yes_writes_the_request_before_saying_so_and_says_what_happens_next(routes_file, outbox):
    messages, events = run_action(cb.ActionCallbackSubmit(), tracker(**ANSWERS))
    text = texts(messages)
    (reference,) = [w.strip(".") for w in text.split() if w.startswith("SP-")]
    (entry_id,) = outbox.due_ids()
    claimed = outbox.claim(entry_id, 5)
    assert claimed.reference == reference and claimed.request.phone == "07700900123"
    assert claimed.request.consent.startswith("Last step. Oakhaven Recovery Hub will get")
    assert "within 2 working days" in text and "ending 123" in text and "won't leave a message" in text
    assert "call 01632 960102 and give your reference" in text
    assert all(slot_events(events)[slot] is None for slot in cb.FORM_SLOTS), "answers are not kept in the slots"


def test_no_means_nothing_is_written(routes_file, outbox):
    messages, _ = run_action(cb.ActionCallbackSubmit(), tracker(**{**ANSWERS, cb.CONSENT: False}))
    assert texts(messages) == words.REFUSED
    assert outbox.counts() == {}


def test_when_the_outbox_cannot_be_written_the_person_is_told_and_given_the_number(routes_file, monkeypatch, tmp_path):
    monkeypatch.setenv("SIGNPOST_OUTBOX_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'outbox.db'}")
    cb._outbox = None
    messages, _ = run_action(cb.ActionCallbackSubmit(), tracker(**ANSWERS))
    text = texts(messages)
    assert "couldn't send your request" in text and "Nothing has been sent" in text and "01632 960102" in text


def test_forget_me_before_delivery_cancels_the_request(routes_file, outbox):
    run_action(cb.ActionCallbackSubmit(), tracker(sender="person-a", **ANSWERS))
    run_action(cb.ActionCallbackSubmit(), tracker(sender="person-b", **ANSWERS))
    forget = make_tracker("forget me", intent="forget_me")
    forget.sender_id = "person-a"
    messages, _ = run_action(ActionForgetMe(), forget)
    assert words.CANCELLED in texts(messages)
    assert outbox.counts() == {"pending": 1}


def test_forget_me_without_call_backs_switched_on_still_forgets(monkeypatch):
    monkeypatch.delenv("SIGNPOST_OUTBOX_KEY", raising=False)
    cb._outbox = None
    messages, _ = run_action(ActionForgetMe(), make_tracker("forget me", intent="forget_me"))
    assert "I've deleted this chat" in texts(messages) and words.CANCELLED not in texts(messages)


def test_the_service_receives_exactly_what_the_person_agreed_to(routes_file, outbox, tmp_path):
    messages, _ = run_action(cb.ActionCallbackSubmit(), tracker(**ANSWERS))
    certs = make_certificates(tmp_path)
    with SmtpServer(certs) as smtp:
        worker = Worker(outbox, Routes.load(routes_file),
                        smtp=SmtpSettings("127.0.0.1", smtp.port, "signpost@council.example", timeout=5),
                        admin_email=None, policy=RetryPolicy(), ssl_context=certs.client_context())
        assert worker.deliver_due().delivered == 1
    (mail,) = smtp.received
    body = mail.message.get_content()
    assert mail.envelope_to == ["referrals@oakhaven-recovery.example"]
    assert "Oakhaven Recovery Hub will get the name Sam, your number ending 123" in body
    assert "07700 900123" in body and "weekday mornings" in body
    assert outbox.counts() == {}


# ---- one "yes", one request; "forget me" mid-send; routes added while running ------------------------------------


def _reference(messages) -> str:
    (reference,) = [w.strip(".") for w in texts(messages).split() if w.startswith("SP-")]
    return reference


def _worker(outbox, routes, certs, smtp) -> Worker:
    return Worker(outbox, routes, smtp=SmtpSettings("127.0.0.1", smtp.port, "signpost@council.example", timeout=5),
                  admin_email=None, policy=RetryPolicy(), ssl_context=certs.client_context())


def test_the_same_yes_run_twice_is_one_request_one_reference_and_one_delivery(routes_file, outbox, tmp_path):
    """A re-run of the submit (a retried message, an expired conversation lock) before and after delivery."""
    _, started = run_action(cb.ActionCallbackStart(), tracker())
    token = slot_events(started)[cb.TOKEN]
    assert token and len(token) >= 20
    yes = tracker(**ANSWERS, **{cb.TOKEN: token})
    first, _ = run_action(cb.ActionCallbackSubmit(), yes)
    again, _ = run_action(cb.ActionCallbackSubmit(), yes)
    assert _reference(again) == _reference(first)
    assert outbox.counts() == {"pending": 1}
    certs = make_certificates(tmp_path)
    with SmtpServer(certs) as smtp:
        worker = _worker(outbox, Routes.load(routes_file), certs, smtp)
        assert worker.deliver_due().delivered == 1
        late, _ = run_action(cb.ActionCallbackSubmit(), yes)  # the re-run comes after the worker sent it
        assert _reference(late) == _reference(first)
        assert worker.deliver_due().delivered == 0
    assert len(smtp.received) == 1
    # A new call-back form is a new request.
    _, restarted = run_action(cb.ActionCallbackStart(), tracker())
    assert slot_events(restarted)[cb.TOKEN] != token


def test_forget_me_while_the_request_is_being_sent_says_honestly_it_is_on_its_way(routes_file, outbox, tmp_path):
    run_action(cb.ActionCallbackSubmit(), tracker(sender="person-a", **ANSWERS, **{cb.TOKEN: "token"}))
    certs = make_certificates(tmp_path)
    with SmtpServer(certs, hold_rcpt=True) as smtp:
        worker = _worker(outbox, Routes.load(routes_file), certs, smtp)
        sending = threading.Thread(target=worker.deliver_due)
        sending.start()
        try:
            assert wait_for(smtp.handler.reached_rcpt.is_set), "the worker never reached the mail server"
            forget = make_tracker("forget me", intent="forget_me")
            forget.sender_id = "person-a"
            messages, _ = run_action(ActionForgetMe(), forget)
        finally:
            smtp.handler.release.set()
            sending.join(timeout=30)
    said = texts(messages)
    assert words.ALREADY_ON_ITS_WAY in said and words.CANCELLED not in said and "nothing was sent" not in said
    assert said.endswith(FORGOTTEN)
    assert len(smtp.received) == 1, "it was on its way, and it arrived once"
    assert outbox.stored_bytes() == [], "nothing of a forgotten request is kept once it is sent"


def test_a_service_routed_after_the_worker_started_is_offered_and_delivered(routes_file, outbox, tmp_path,
                                                                            monkeypatch):
    from tests.plan.conftest import ALCOHOL_SERVICE

    certs = make_certificates(tmp_path)
    with SmtpServer(certs) as smtp:
        monkeypatch.setenv("SIGNPOST_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SIGNPOST_SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("SIGNPOST_SMTP_FROM", "signpost@council.example")
        worker = Worker.from_environment()  # as `signpost referrals deliver` starts
        worker.ssl_context = certs.client_context()
        # The council routes the alcohol service too, while the assistant and the worker run.
        routes_file.write_text(routes_file.read_text() + f"  {ALCOHOL_SERVICE}:\n    email: intake@oakhaven.example\n")
        later = os.stat(routes_file).st_mtime_ns + 1_000_000_000
        os.utime(routes_file, ns=(later, later))
        messages, _ = run_action(cb.ActionCallbackSubmit(), tracker(**{**ANSWERS, cb.SERVICE: ALCOHOL_SERVICE}))
        assert _reference(messages)
        summary = worker.deliver_due()
    assert summary.delivered == 1 and summary.errors == []
    assert [mail.envelope_to for mail in smtp.received] == [["intake@oakhaven.example"]]
