"""Locust scenario: employers and JIB staff working their usual journeys (run by bench/load_bench.py).

Each simulated person is signed in already: bench/load_bench.py writes their session cookies (and the employees and
applications they look at) to the file named by ECS_LOAD_USERS. Employers (weight 5) look at the home page, the
employees list and its pages, search by name, open an employee, the cards expiring soon, the applications lists and
the orders; JIB staff (weight 1) look at the case-work dashboard, their inbox and the queue. Each waits 1-5 s between
pages, as a person reading does.
"""

import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

USERS = json.loads(open(os.environ["ECS_LOAD_USERS"]).read())  # noqa: SIM115 - read once at start
_lock = threading.Lock()
_next = {"employer": 0, "staff": 0}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NAMES = [f"Last{n:04d}" for n in range(0, 4999, 7)] + [f"First{n}" for n in range(0, 997, 11)] + ["Las", "Fir"]


def _person(kind: str):
    """The next signed-in person of the kind: a session cookie (employers: with what they look at)."""
    with _lock:
        people = USERS[kind]
        person = people[_next[kind] % len(people)]
        _next[kind] += 1
        return person


class Employer(HttpUser):
    weight = 5
    wait_time = between(1, 5)

    def on_start(self):
        self.person = _person("employer")
        self.client.cookies.set("sessionid", self.person["session"])

    @task(4)
    def home(self):
        self.client.get("/portal/", name="portal home")

    @task(4)
    def employees(self):
        self.client.get("/portal/employees/", name="employees list")

    @task(2)
    def employees_deep_page(self):
        self.client.get(f"/portal/employees/?page={random.randint(2, 400)}", name="employees list, page n")

    @task(3)
    def search(self):
        page = self.client.get("/portal/employees/", name="employees list")
        token = CSRF.search(page.text)
        if token is None:
            return
        self.client.post(
            "/portal/employees/",
            {"csrfmiddlewaretoken": token.group(1), "q": random.choice(NAMES), "office": "", "status": "",
             "sort": "name"},
            headers={"Referer": self.host + "/portal/employees/"},
            name="employees search (post)",
        )  # fmt: skip
        self.client.post(
            "/portal/employees/",
            {"csrfmiddlewaretoken": token.group(1), "clear": "1"},
            headers={"Referer": self.host + "/portal/employees/"},
            name="employees search cleared (post)",
        )

    @task(3)
    def employee(self):
        self.client.get(f"/portal/employees/{random.choice(self.person['employments'])}/", name="employee page")

    @task(1)
    def expiring(self):
        self.client.get("/portal/employees/cards/expiring/", name="cards expiring soon")

    @task(2)
    def attention(self):
        self.client.get("/portal/applications/", name="applications requiring attention")

    @task(1)
    def produced(self):
        self.client.get("/portal/applications/produced/", name="applications being produced")

    @task(1)
    def completed(self):
        self.client.get(f"/portal/applications/completed/?page={random.randint(1, 100)}", name="applications completed")

    @task(1)
    def application(self):
        self.client.get(f"/portal/applications/{random.choice(self.person['applications'])}/", name="application page")

    @task(1)
    def orders(self):
        self.client.get("/portal/orders/", name="orders requiring attention")


class JibStaff(HttpUser):
    weight = 1
    wait_time = between(1, 5)

    def on_start(self):
        self.client.cookies.set("sessionid", _person("staff"))

    @task(2)
    def dashboard(self):
        self.client.get("/backoffice-dashboard/", name="back office dashboard")

    @task(3)
    def inbox(self):
        self.client.get("/backoffice/workflow/inbox/", name="back office inbox")

    @task(3)
    def queue(self):
        self.client.get("/backoffice/workflow/queue/", name="back office queue")
