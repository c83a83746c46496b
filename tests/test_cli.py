"""The `signpost` command as an operator uses it: each subcommand run as a real process."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings
from bot.cli.serve import _credentials_for
from bot.cli.training import training_fingerprint
from tests.channels.fake_telegram_api import FakeTelegramApi

FIXTURES = Path(__file__).resolve().parent / "knowledge" / "fixtures"


def signpost(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=settings.PROJECT_ROOT,
        env={**settings.rasa_environment(), **env}, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def database(tmp_path) -> dict:
    return {"SIGNPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'directory.db'}"}


def test_init_loads_the_bundled_directory_and_is_safe_to_repeat(database):
    first = signpost("kb", "init", env=database)
    again = signpost("kb", "init", env=database)
    assert first.returncode == 0 and again.returncode == 0
    assert "0 rejected" in first.stdout and " 0 new" in again.stdout


def test_import_reports_bad_records_by_id_and_keeps_the_good_ones(database, tmp_path):
    signpost("kb", "init", env=database)
    result = signpost("kb", "import", str(FIXTURES / "mixed.json"), env=database)
    assert result.returncode == 1, "rejected records make the import exit non-zero"
    assert "rejected bad-status" in result.stdout and "rejected no-name" in result.stdout
    exported = tmp_path / "export.json"
    assert signpost("kb", "export", str(exported), env=database).returncode == 0
    ids = {service["id"] for service in json.loads(exported.read_text())}
    assert "good-1" in ids and "bad-status" not in ids


def test_a_file_that_is_not_json_is_a_clear_error(database, tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json at all")
    result = signpost("kb", "import", str(garbage), env=database)
    assert result.returncode == 2 and "Could not import" in result.stderr


def test_check_fails_on_the_bundled_data_but_only_warns_about_a_councils_own(database, tmp_path):
    signpost("kb", "init", env=database)
    assert signpost("kb", "check", env=database).returncode == 0
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps([{
        "id": "old-line", "name": "Old Line", "status": "active", "source": "a 2019 leaflet",
        "assured_date": "2019-05-01", "phones": [{"number": "0300 123 4567"}],
    }, {
        "id": "odd-line", "name": "Odd Line", "status": "active", "source": "a 2019 leaflet",
        "assured_date": "2026-11-01", "phones": [{"number": "0909 879 0000"}],
    }]))
    assert signpost("kb", "import", str(stale), env=database).returncode == 0
    # A council's own data: a report with warnings, never a red CI for its data's age.
    result = signpost("kb", "check", env=database)
    assert result.returncode == 0, result.stdout
    assert "Your own directory data" in result.stdout and "stale: Old Line (a-2019-leaflet:old-line)" in result.stdout
    # --strict fails on its numbers, but still not on its age.
    strict = signpost("kb", "check", "--strict", env=database)
    assert strict.returncode == 1 and "bad-phone: Odd Line" in strict.stdout.split("Your own")[0]
    assert "stale: Old Line" not in strict.stdout.split("Your own")[0]
    # The bundled directory going out of date fails the check.
    later = signpost("kb", "check", "--today", "2028-01-01", env=database)
    assert later.returncode == 1 and "Failing" in later.stdout and "Samaritans" in later.stdout


def test_import_prints_a_short_grouped_report_and_writes_it_as_html_and_csv(database, tmp_path):
    samples = Path(settings.PROJECT_ROOT).resolve().parent / "shared" / "directory-samples"
    messy = samples / "oruk3-validator-test-service-list.json"
    html_report, csv_report = tmp_path / "report.html", tmp_path / "report.csv"
    result = signpost("kb", "import", str(messy), "--source", "Validator list", "--report", str(html_report),
                      env=database)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 2000, "128 records sharing an id make a short report"
    assert "id appears 128 times in the file: kept record #" in result.stdout
    assert "The page says it holds 31 services but it has 128" in result.stdout
    assert "<h1>Import report:" in html_report.read_text() and "what signpost does" not in html_report.read_text()
    bristol = samples / "oruk1-bristol-council-services.json"
    result = signpost("kb", "import", str(bristol), "--source", "Bristol", "--report", str(csv_report), env=database)
    assert result.returncode == 1, "the nameless record is rejected"
    assert "rejected def5ccd4-f121-df4d-60d2-4dc0d69ff555: missing name" in result.stdout
    assert len(result.stdout.splitlines()) < 40
    rows = csv_report.read_text().splitlines()
    assert rows[0].startswith("record id,service name,kind,what is wrong,what signpost does")
    assert any("missing name" in row and "Not loaded" in row for row in rows)
    assert signpost("kb", "import", str(messy), "--report", str(tmp_path / "r.txt"),
                    env=database).returncode == 2


def test_training_is_reused_only_while_its_inputs_are_unchanged(tmp_path, monkeypatch):
    fingerprint = training_fingerprint()
    assert fingerprint == training_fingerprint()
    changed = tmp_path / "data"
    monkeypatch.setattr(settings, "DATA", changed)
    (changed / "nlu").mkdir(parents=True)
    (changed / "nlu" / "extra.yml").write_text('version: "3.1"\nnlu: []\n')
    assert training_fingerprint() != fingerprint


def test_run_switches_on_sms_and_telegram_only_when_configured():
    plain = _credentials_for({}).read_text()
    both = _credentials_for({
        "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "twilio-secret-value",
        "TELEGRAM_TOKEN": "1:telegram-token-value", "TELEGRAM_WEBHOOK_SECRET": "telegram-secret-value",
    }).read_text()
    assert "channels.sms.SmsInput" not in plain and "channels.telegram.TelegramInput" not in plain
    assert "channels.sms.SmsInput" in both and "channels.telegram.TelegramInput" in both
    assert "secret-value" not in both and "token-value" not in both, "secrets stay in the environment"


def test_telegram_set_webhook_registers_the_url_with_the_secret():
    api = FakeTelegramApi(token="42:cli-test").start()
    try:
        result = signpost(
            "telegram", "set-webhook", "https://signpost.example/webhooks/telegram/webhook",
            env={"TELEGRAM_TOKEN": "42:cli-test", "TELEGRAM_WEBHOOK_SECRET": "cli-secret",
                 "TELEGRAM_API_BASE_URL": api.base_url},
        )
        assert result.returncode == 0, result.stderr
        call = api.calls_to("setWebhook")[-1].params
        assert call["url"] == "https://signpost.example/webhooks/telegram/webhook"
        assert call["secret_token"] == "cli-secret"
    finally:
        api.stop()


def test_telegram_set_webhook_without_settings_says_what_is_missing():
    result = signpost("telegram", "set-webhook", "https://x.example/hook",
                      env={"TELEGRAM_TOKEN": "", "TELEGRAM_WEBHOOK_SECRET": ""})
    assert result.returncode == 2 and "TELEGRAM_TOKEN" in result.stderr
