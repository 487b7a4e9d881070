"""A local Companies House: the public data API's `GET /company/{number}`, seeded from data/companies.json.

Basic auth with the API key as user name, as the real service. Trouble for tests: company 99999999 answers
only after 30 seconds; 99999998 answers 503.
"""

import base64
import json
import time
from pathlib import Path

from sandboxes._server import JsonHandler, serve_from_command_line

COMPANIES = {
    c["company_number"]: c for c in json.loads((Path(__file__).parent / "data" / "companies.json").read_text())
}
SLOW_NUMBER = "99999999"
DOWN_NUMBER = "99999998"


class CompaniesHouseHandler(JsonHandler):
    routes = [("GET", r"/company/(?P<number>[A-Za-z0-9]+)", "company")]

    def company(self, number: str):
        auth = self.headers.get("Authorization", "")
        try:
            key = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":")[0] if auth else ""
        except ValueError:
            key = ""
        if not key:
            return self.send_json(401, {"error": "Invalid Authorization", "type": "ch:service"})
        number = number.upper()
        if number == SLOW_NUMBER:
            time.sleep(30)
        if number == DOWN_NUMBER:
            return self.send_json(503, {"error": "Service Unavailable"})
        company = COMPANIES.get(number)
        if company is None:
            return self.send_json(404, {"errors": [{"error": "company-profile-not-found", "type": "ch:service"}]})
        return self.send_json(200, company)


if __name__ == "__main__":
    serve_from_command_line(CompaniesHouseHandler, description="Companies House sandbox", default_port=8101)
