"""Local certificate-checking services of the awarding bodies, each with its own request and answer shape,
seeded from data/certificates.json (and NET's AM2 results from data/am2_results.json). Trouble for tests:
certificate TIMEOUT-1 answers after 30 seconds,
ERROR-503 answers 503. A look-up whose name or date of birth does not match answers as if nothing were found.
"""

import json
import time
from datetime import date
from pathlib import Path

from sandboxes._server import JsonHandler, serve_from_command_line

CERTIFICATES = json.loads((Path(__file__).parent / "data" / "certificates.json").read_text())
AM2_RESULTS = json.loads((Path(__file__).parent / "data" / "am2_results.json").read_text())


def _find(body: str, number: str) -> dict | None:
    return next(
        (c for c in CERTIFICATES if c["awarding_body"] == body and c["certificate_number"].upper() == number.upper()),
        None,
    )


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


class AwardingBodiesHandler(JsonHandler):
    routes = [
        ("GET", r"/city-and-guilds/api/v1/certificates/(?P<number>[^/]+)", "city_and_guilds"),
        ("POST", r"/eal/verify", "eal"),
        ("GET", r"/lcl-awards/certificates", "lcl"),
        ("GET", r"/nocn/learners/(?P<uln>[^/]+)/achievements", "nocn"),
        ("GET", r"/bpec/check/(?P<number>[^/]+)/(?P<surname>[^/]+)", "bpec"),
        ("POST", r"/net/am2/results", "net"),
    ]

    def _trouble(self, number: str) -> bool:
        if number == "TIMEOUT-1":
            time.sleep(30)
        if number == "ERROR-503":
            self.send_json(503, {"error": "service unavailable"})
            return True
        return False

    def city_and_guilds(self, number):
        if self._trouble(number):
            return None
        q = self.query()
        cert = _find("city-and-guilds", number)
        if (
            not cert
            or cert["candidate_last_name"].lower() != q.get("surname", "").lower()
            or cert["date_of_birth"] != q.get("dob")
        ):
            return self.send_json(404, {"message": "No matching certificate"})
        return self.send_json(200, {
            "certificateNumber": cert["certificate_number"],
            "candidate": {"forename": cert["candidate_first_name"], "surname": cert["candidate_last_name"],
                          "dateOfBirth": cert["date_of_birth"]},
            "qualification": {"number": cert["qualification_code"], "title": cert["qualification_title"]},
            "awardDate": cert["date_awarded"],
            "status": "VALID" if cert["status"] == "valid" else "WITHDRAWN",
        })  # fmt: skip

    def eal(self):
        body = self.body()
        number = body.get("certificate_no", "")
        if self._trouble(number):
            return None
        cert = _find("eal", number)
        if (
            not cert
            or cert["candidate_last_name"].lower() != body.get("last_name", "").lower()
            or cert["date_of_birth"] != body.get("date_of_birth")
        ):
            return self.send_json(200, {"result": "not_found"})
        return self.send_json(200, {
            "result": "verified",
            "learner": {"first_name": cert["candidate_first_name"], "last_name": cert["candidate_last_name"]},
            "qualification_ref": cert["qualification_code"], "qualification_name": cert["qualification_title"],
            "achieved_on": cert["date_awarded"], "revoked": cert["status"] != "valid",
        })  # fmt: skip

    def lcl(self):
        q = self.query()
        number = q.get("number", "")
        if self._trouble(number):
            return None
        cert = _find("lcl-awards", number)
        dob = date.fromisoformat(cert["date_of_birth"]).strftime("%d/%m/%Y") if cert else ""
        if not cert or cert["candidate_last_name"].lower() != q.get("lastname", "").lower() or dob != q.get("dob"):
            return self.send_json(200, {"found": False})
        return self.send_json(200, {"found": True, "cert": {
            "no": cert["certificate_number"], "name": f"{cert['candidate_first_name']} {cert['candidate_last_name']}",
            "unit": cert["qualification_code"], "title": cert["qualification_title"],
            "issued": date.fromisoformat(cert["date_awarded"]).strftime("%d/%m/%Y"),
            "valid": cert["status"] == "valid",
        }})  # fmt: skip

    def nocn(self, uln):
        number = self.query().get("certificate", "")
        if self._trouble(number):
            return None
        if not (uln.isdigit() and len(uln) == 10):  # NOCN's API takes a ULN as its 10 digits, nothing else
            return self.send_json(400, {"error": "a ULN is 10 digits"})
        digits = uln
        found = [
            c for c in CERTIFICATES if c["awarding_body"] == "nocn" and _digits(c.get("learner_reference")) == digits
        ]
        if not found:
            return self.send_json(404, {"error": "unknown learner"})
        return self.send_json(200, {"learner": {"uln": uln, "givenName": found[0]["candidate_first_name"],
                                                "familyName": found[0]["candidate_last_name"]},
                                    "achievements": [{"certificate": c["certificate_number"],
                                                      "qan": c["qualification_code"],
                                                      "title": c["qualification_title"],
                                                      "awarded": c["date_awarded"], "status": c["status"]}
                                                     for c in found]})  # fmt: skip

    def bpec(self, number, surname):
        if self._trouble(number):
            return None
        cert = _find("bpec", number)
        if not cert or cert["candidate_last_name"].lower() != surname.lower():
            return self.send_json(404, {"valid": False})
        return self.send_json(200, {
            "valid": cert["status"] == "valid",
            "holder": f"{cert['candidate_last_name']}, {cert['candidate_first_name']}",
            "dob": cert["date_of_birth"], "course_code": cert["qualification_code"],
            "course": cert["qualification_title"], "passed": cert["date_awarded"],
        })  # fmt: skip

    def net(self):
        """NET's AM2 results: the latest result for a candidate number, surname and date of birth."""
        body = self.body()
        number = body.get("candidate_number", "")
        if self._trouble(number):
            return None
        found = next((r for r in AM2_RESULTS if r["candidate_number"].upper() == number.upper()), None)
        if (
            not found
            or found["candidate_last_name"].lower() != body.get("surname", "").lower()
            or found["date_of_birth"] != body.get("date_of_birth")
        ):
            return self.send_json(404, {"error": "NO_MATCHING_CANDIDATE"})
        return self.send_json(200, {
            "candidateNumber": found["candidate_number"],
            "candidate": {"firstName": found["candidate_first_name"], "surname": found["candidate_last_name"],
                          "dateOfBirth": date.fromisoformat(found["date_of_birth"]).strftime("%d/%m/%Y")},
            "assessment": found["assessment"],
            "result": found["result"].upper(),
            "assessmentDate": date.fromisoformat(found["assessed_on"]).strftime("%d/%m/%Y"),
        })  # fmt: skip


if __name__ == "__main__":
    serve_from_command_line(AwardingBodiesHandler, description="Awarding bodies sandbox", default_port=8102)
