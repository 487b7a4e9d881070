"""Each awarding body's certificate check through its own client against the sandbox."""

import json
from datetime import date
from pathlib import Path

import pytest

from portal.integrations.awarding_bodies import certificate_check
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable

RECORDS = json.loads((Path(__file__).resolve().parents[3] / "sandboxes" / "data" / "certificates.json").read_text())


@pytest.mark.parametrize("body", ["city-and-guilds", "eal", "lcl-awards", "nocn", "bpec"])
def test_each_body_confirms_a_certificate(awarding_bodies, body):
    record = next(r for r in RECORDS if r["awarding_body"] == body and r["status"] == "valid")
    check = certificate_check(
        awarding_body=body,
        certificate_number=record["certificate_number"],
        last_name=record["candidate_last_name"],
        date_of_birth=date.fromisoformat(record["date_of_birth"]),
        learner_reference=record.get("learner_reference", ""),
    )
    assert check.valid and check.last_name == record["candidate_last_name"]
    assert check.qualification_code == record["qualification_code"]
    assert check.awarded_on == date.fromisoformat(record["date_awarded"])


@pytest.mark.parametrize("body", ["city-and-guilds", "eal", "lcl-awards", "bpec"])
def test_wrong_name_finds_nothing(awarding_bodies, body):
    record = next(r for r in RECORDS if r["awarding_body"] == body)
    assert certificate_check(awarding_body=body, certificate_number=record["certificate_number"],
                             last_name="Nobody", date_of_birth=date(1980, 1, 1)) is None  # fmt: skip


def test_revoked_certificate_is_not_valid(awarding_bodies):
    record = next(r for r in RECORDS if r["awarding_body"] == "city-and-guilds" and r["status"] == "revoked")
    check = certificate_check(awarding_body="city-and-guilds", certificate_number=record["certificate_number"],
                              last_name=record["candidate_last_name"],
                              date_of_birth=date.fromisoformat(record["date_of_birth"]))  # fmt: skip
    assert check is not None and not check.valid


def test_trouble(awarding_bodies, settings):
    with pytest.raises(ExternalServiceUnavailable, match="503"):
        certificate_check(
            awarding_body="eal", certificate_number="ERROR-503", last_name="X", date_of_birth=date(1980, 1, 1)
        )
    settings.EXTERNAL_TIMEOUT_SECONDS = 0.3
    with pytest.raises(ExternalServiceUnavailable, match="in time"):
        certificate_check(awarding_body="city-and-guilds", certificate_number="TIMEOUT-1", last_name="X",
                          date_of_birth=date(1980, 1, 1))  # fmt: skip
    with pytest.raises(ExternalServiceRejected, match="ULN"):
        certificate_check(awarding_body="nocn", certificate_number="N1", last_name="X", date_of_birth=date(1980, 1, 1))
    with pytest.raises(ExternalServiceRejected):
        certificate_check(
            awarding_body="unknown", certificate_number="1", last_name="X", date_of_birth=date(1980, 1, 1)
        )


@pytest.mark.parametrize("written", ["{digits}", "ULN{digits}", "ULN: {spaced}"])
def test_nocn_finds_the_learner_by_the_ulns_digits_however_written(awarding_bodies, written):
    record = next(r for r in RECORDS if r["awarding_body"] == "nocn" and r["status"] == "valid")
    digits = "".join(ch for ch in record["learner_reference"] if ch.isdigit())
    spaced = " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    check = certificate_check(
        awarding_body="nocn",
        certificate_number=record["certificate_number"],
        last_name=record["candidate_last_name"],
        date_of_birth=date.fromisoformat(record["date_of_birth"]),
        learner_reference=written.format(digits=digits, spaced=spaced),
    )
    assert check is not None and check.valid


def test_the_sandbox_run_as_a_program_answers_nocn():
    """`make run` starts the sandbox as a program (`python -m`), where a name defined below the `__main__` block
    does not exist yet: ask it the NOCN question the way the platform does."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[3]
    server = subprocess.Popen([sys.executable, "-m", "sandboxes.awarding_bodies", "--port", str(port)], cwd=root)
    try:
        record = next(r for r in RECORDS if r["awarding_body"] == "nocn" and r["status"] == "valid")
        uln = "".join(ch for ch in record["learner_reference"] if ch.isdigit())
        url = f"http://127.0.0.1:{port}/nocn/learners/{uln}/achievements?certificate={record['certificate_number']}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert json.loads(answer.read())["learner"]["familyName"] == record["candidate_last_name"]
                    return
            except ConnectionRefusedError:
                time.sleep(0.1)
            except urllib.error.URLError as exc:
                if not isinstance(exc.reason, ConnectionRefusedError):
                    raise
                time.sleep(0.1)
        pytest.fail("the sandbox did not start")
    finally:
        server.terminate()
        server.wait(timeout=10)
