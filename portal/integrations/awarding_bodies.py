"""Awarding bodies' certificate-checking services: one small client per body, one answer shape for the portal."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import httpx
from django.conf import settings

from portal.integrations.errors import ExternalServiceRejected
from portal.integrations.http import call


@dataclass(frozen=True)
class CertificateCheck:
    """What the awarding body says about a certificate."""

    awarding_body: str
    certificate_number: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    qualification_code: str
    qualification_title: str
    awarded_on: date | None
    valid: bool


def _request(party: str, method: str, path: str, **kwargs) -> httpx.Response | None:
    return call(party, method, settings.AWARDING_BODIES_URL.rstrip("/") + path, **kwargs)


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _uk(value: str | None) -> date | None:
    return datetime.strptime(value, "%d/%m/%Y").date() if value else None


def _city_and_guilds(number, last_name, date_of_birth, learner_reference):
    r = _request(
        "City & Guilds",
        "GET",
        f"/city-and-guilds/api/v1/certificates/{number}",
        params={"surname": last_name, "dob": date_of_birth.isoformat()},
    )
    if r is None:
        return None
    d = r.json()
    return CertificateCheck(
        "city-and-guilds",
        d["certificateNumber"],
        d["candidate"]["forename"],
        d["candidate"]["surname"],
        _iso(d["candidate"]["dateOfBirth"]),
        d["qualification"]["number"],
        d["qualification"]["title"],
        _iso(d["awardDate"]),
        d["status"] == "VALID",
    )


def _eal(number, last_name, date_of_birth, learner_reference):
    r = _request(
        "EAL",
        "POST",
        "/eal/verify",
        json={"certificate_no": number, "last_name": last_name, "date_of_birth": date_of_birth.isoformat()},
    )
    d = r.json() if r is not None else {}
    if d.get("result") != "verified":
        return None
    return CertificateCheck(
        "eal",
        number,
        d["learner"]["first_name"],
        d["learner"]["last_name"],
        date_of_birth,
        d["qualification_ref"],
        d["qualification_name"],
        _iso(d["achieved_on"]),
        not d["revoked"],
    )


def _lcl(number, last_name, date_of_birth, learner_reference):
    r = _request(
        "LCL Awards",
        "GET",
        "/lcl-awards/certificates",
        params={"number": number, "lastname": last_name, "dob": date_of_birth.strftime("%d/%m/%Y")},
    )
    d = r.json() if r is not None else {}
    if not d.get("found"):
        return None
    c = d["cert"]
    first, _, last = c["name"].rpartition(" ")
    return CertificateCheck(
        "lcl-awards", c["no"], first, last, date_of_birth, c["unit"], c["title"], _uk(c["issued"]), c["valid"]
    )


def _nocn(number, last_name, date_of_birth, learner_reference):
    uln = "".join(ch for ch in learner_reference if ch.isdigit())  # a ULN is its 10 digits, however printed
    if not uln:
        raise ExternalServiceRejected("NOCN", "NOCN needs the learner's ULN")
    r = _request("NOCN", "GET", f"/nocn/learners/{uln}/achievements", params={"certificate": number})
    if r is None:
        return None
    d = r.json()
    if d["learner"]["familyName"].lower() != last_name.lower():
        return None
    a = next((a for a in d["achievements"] if a["certificate"].upper() == number.upper()), None)
    if a is None:
        return None
    return CertificateCheck(
        "nocn",
        a["certificate"],
        d["learner"]["givenName"],
        d["learner"]["familyName"],
        None,
        a["qan"],
        a["title"],
        _iso(a["awarded"]),
        a["status"] == "valid",
    )


def _bpec(number, last_name, date_of_birth, learner_reference):
    r = _request("BPEC", "GET", f"/bpec/check/{number}/{last_name}")
    if r is None:
        return None
    d = r.json()
    last, _, first = d["holder"].partition(", ")
    if _iso(d["dob"]) != date_of_birth:
        return None
    return CertificateCheck(
        "bpec", number, first, last, _iso(d["dob"]), d["course_code"], d["course"], _iso(d["passed"]), d["valid"]
    )


AM2_TITLES = {"AM2": "AM2 Achievement Measurement", "AM2S": "AM2S Achievement Measurement"}


def _net(number, last_name, date_of_birth, learner_reference):
    """NET's AM2 and AM2S results; a result other than a pass is not a valid achievement."""
    r = _request(
        "NET",
        "POST",
        "/net/am2/results",
        json={"candidate_number": number, "surname": last_name, "date_of_birth": date_of_birth.isoformat()},
    )
    if r is None:
        return None
    d = r.json()
    assessment = d["assessment"].upper()
    return CertificateCheck(
        "net",
        d["candidateNumber"],
        d["candidate"]["firstName"],
        d["candidate"]["surname"],
        _uk(d["candidate"]["dateOfBirth"]),
        assessment,
        AM2_TITLES.get(assessment, assessment),
        _uk(d["assessmentDate"]),
        d["result"] == "PASS",
    )


CLIENTS: dict[str, Callable] = {
    "city-and-guilds": _city_and_guilds,
    "eal": _eal,
    "lcl-awards": _lcl,
    "nocn": _nocn,
    "bpec": _bpec,
    "net": _net,
}


def certificate_check(
    *, awarding_body: str, certificate_number: str, last_name: str, date_of_birth: date, learner_reference: str = ""
) -> CertificateCheck | None:
    """The body's record of the certificate, or None when it has none matching these details."""
    client = CLIENTS.get(awarding_body)
    if client is None:
        raise ExternalServiceRejected(awarding_body, "no certificate-checking service is known for this body")
    return client(certificate_number.strip(), last_name.strip(), date_of_birth, learner_reference.strip())
