"""The production shape without Docker: every process of the cluster, each with the settings production gives.

`collectstatic` with the production storage, then, on fresh PostgreSQL databases: gunicorn (DEBUG off, TLS so
that the secure cookies travel), a Prefect server on PostgreSQL (asyncpg) and two task workers, each its own
process. Outside parties are stand-ins on localhost: an SMTP sink, an SMS gateway that keeps what it is sent, and
the Companies House and awarding-body sandboxes. Then, as people would: a public licence application whose
automated checks complete on the workers, a JIB case worker signing in through both factors (the code read from
the gateway), the case in the signed-in queue, and a static file with its hashed name.

Run them alone: DATABASE_URL=postgres://... pytest -m production
"""

import contextlib
import datetime
import importlib.util
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.licence_helpers import VALID

ROOT = Path(__file__).resolve().parents[3]
PY = sys.executable
BASE_URL = os.environ.get("DATABASE_URL", "")
STAFF = {"email": "smoke.caseworker@jib.example", "password": "Smoke-password-2026", "mobile": "+447700900999"}

pytestmark = pytest.mark.production
needs_postgres = pytest.mark.skipif(not BASE_URL.startswith("postgres"), reason="needs PostgreSQL: set DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Outside parties -----------------------------------------------------------------------------------------------


class SmsGateway(ThreadingHTTPServer):
    """Accepts what HttpSmsBackend posts, with its bearer key, and keeps the messages."""

    def __init__(self, api_key: str):
        self.api_key, self.messages = api_key, []
        super().__init__(("127.0.0.1", 0), SmsHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/messages"


class SmsHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") != f"Bearer {self.server.api_key}":
            self.send_response(401)
        else:
            self.server.messages.append(json.loads(body))
            self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class SmtpSink(socketserver.ThreadingTCPServer):
    """Enough SMTP for Django's backend: every message is accepted and kept."""

    daemon_threads = True

    def __init__(self):
        self.messages = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 smoke ESMTP")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                message = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    message.append(data)
                self.server.messages.append(b"".join(message).decode(errors="replace"))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


# Databases and processes ---------------------------------------------------------------------------------------


def fresh_database(name: str) -> str:
    """Drop and create `name` on DATABASE_URL's server; its URL."""
    import psycopg2

    parts = urlsplit(BASE_URL)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def query(url: str, sql: str) -> list[tuple]:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(scheme="postgres")))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def drop_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    admin.close()


@dataclass
class Cluster:
    directory: Path
    env: dict
    processes: dict = field(default_factory=dict)

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def run(self, *command: str, timeout: float = 300) -> str:
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        return result.stdout

    def start(self, name: str, *command: str, env: dict | None = None) -> None:
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, **(env or {})}, stdout=self.log(name).open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def assert_running(self) -> None:
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} stopped ({process.returncode}):\n{self.tails()}"

    def tails(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name).read_text()[-3000:]}" for name in self.processes)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


def wait_for(check, what: str, timeout: float, cluster: Cluster):
    deadline = time.monotonic() + timeout
    while True:
        cluster.assert_running()
        with contextlib.suppress(httpx.TransportError):
            if result := check():
                return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s\n{cluster.tails()}")
        time.sleep(0.5)


def form_fields(html: str) -> dict:
    return {"csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)}


# The test ------------------------------------------------------------------------------------------------------


@pytest.fixture
def outside_parties(companies_house_server, awarding_bodies_server):
    gateway = SmsGateway(api_key=secrets.token_urlsafe(16))
    smtp = SmtpSink()
    for server in (gateway, smtp):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"sms": gateway, "smtp": smtp, "companies_house": companies_house_server, "awarding": awarding_bodies_server}
    for server in (gateway, smtp):
        server.shutdown()
        server.server_close()


def test_the_image_build_step_collects_static_files_with_a_manifest(tmp_path):
    """docker/collectstatic.sh as the Dockerfile runs it: a shell with nothing but the image's ECS_VAR_DIR."""
    env = {"PATH": f"{Path(PY).parent}:{os.environ['PATH']}", "HOME": str(tmp_path), "ECS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        ["sh", "docker/collectstatic.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    paths = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(r"css/ecs\.[0-9a-f]{12}\.css", paths["css/ecs.css"])
    assert (tmp_path / "staticfiles" / paths["viewflow/fonts/roboto/roboto-fontface.css"]).exists()


@needs_postgres
def test_production_cluster_serves_signed_in_pages_static_files_and_automated_steps(tmp_path, outside_parties):
    database = urlsplit(BASE_URL).path.lstrip("/")
    web_db, prefect_db = fresh_database(f"{database}_smoke"), fresh_database(f"{database}_smoke_prefect")
    web_port, prefect_port = free_port(), free_port()
    site = f"https://127.0.0.1:{web_port}"
    cert, key = self_signed_certificate(tmp_path)
    static_root = tmp_path / "static"
    prefect_url = urlsplit(prefect_db)._replace(scheme="postgresql+asyncpg")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # What a production process is given (docs/operations.md), with the outside parties on localhost.
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": site,
        "SITE_URL": site,
        "DATABASE_URL": web_db,
        "CONN_MAX_AGE": "60",
        "ECS_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "var" / "media"),
        "STATIC_ROOT": str(static_root),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(outside_parties["smtp"].server_address[1]),
        "DEFAULT_FROM_EMAIL": "ECS Online Systems <no-reply@ecscard.org.uk>",
        "SMS_GATEWAY_URL": outside_parties["sms"].url,
        "SMS_GATEWAY_API_KEY": outside_parties["sms"].api_key,
        "COMPANIES_HOUSE_URL": outside_parties["companies_house"],
        "COMPANIES_HOUSE_API_KEY": secrets.token_urlsafe(16),
        "AWARDING_BODIES_URL": outside_parties["awarding"],
        "STRIPE_API_BASE": "https://api.stripe.com",
        "STRIPE_SECRET_KEY": f"sk_test_{secrets.token_urlsafe(24)}",
        "STRIPE_PUBLISHABLE_KEY": f"pk_test_{secrets.token_urlsafe(24)}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_urlsafe(24)}",
        "PREFECT_API_URL": f"http://127.0.0.1:{prefect_port}/api",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    cluster = Cluster(tmp_path, env)
    try:
        # The image's build step, then the one-off migrate and the data a case worker needs.
        cluster.run(PY, "manage.py", "collectstatic", "--no-input", "-v", "0")
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        cluster.run(PY, "manage.py", "migrate", "--no-input", "-v", "0")
        cluster.run(PY, "manage.py", "shell", "-c", (
            "from portal.accounts.services import jib_staff_create\n"
            "from portal.licensing.models import MembershipRecord\n"
            f"jib_staff_create(email={STAFF['email']!r}, first_name='Sam', last_name='Smoke', "
            f"mobile={STAFF['mobile']!r}, teams=['licensing'], password={STAFF['password']!r})\n"
            "MembershipRecord.objects.create(scheme='jib', number='JIB20001', company_name='Northern Sparks Ltd')\n"
        ))  # fmt: skip

        cluster.start(
            "prefect-server",
            PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(prefect_port),
            env={"PREFECT_API_DATABASE_CONNECTION_URL": urlunsplit(prefect_url)},
        )  # fmt: skip
        wait_for(
            lambda: httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200,
            "the Prefect server did not answer", 120, cluster,
        )  # fmt: skip
        cluster.start("worker-1", PY, "-m", "tasks.worker")
        cluster.start("worker-2", PY, "-m", "tasks.worker")
        if importlib.util.find_spec("tasks.relay") is not None:  # hands committed jobs to the workers
            cluster.start("relay", PY, "-m", "tasks.relay")
        cluster.start(
            "web", PY, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers", "2",
            "--certfile", str(cert), "--keyfile", str(key), "--access-logfile", "-",
        )  # fmt: skip

        trust = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=site, verify=trust, timeout=30, headers={"Referer": f"{site}/"}) as browser:
            sign_in_page = wait_for(
                lambda: (page := browser.get("/accounts/sign-in/")).status_code == 200 and page,
                "gunicorn did not serve the sign-in page", 90, cluster,
            )  # fmt: skip

            # A static file, by the hashed name the page carries, with the far-future caching of hashed files.
            stylesheet = re.search(r'href="(/static/[^"]+\.css)"', sign_in_page.text).group(1)
            assert stylesheet.removeprefix("/static/") in manifest.values()
            static = browser.get(stylesheet)
            assert static.status_code == 200 and "text/css" in static.headers["Content-Type"]
            assert "immutable" in static.headers["Cache-Control"]

            # A public licence application: its automated checks run on the workers.
            apply_page = browser.get("/apply/")
            assert apply_page.status_code == 200
            submitted = browser.post("/apply/", data={**VALID, **form_fields(apply_page.text)})
            assert submitted.status_code == 302, submitted.text[-2000:]
            reference = re.search(
                r"Your reference<br><strong>([^<]+)</strong>", browser.get(submitted.headers["Location"]).text
            ).group(1)
            assert any(reference in message for message in outside_parties["smtp"].messages)

            # A JIB case worker signs in through both factors, the code read from what the gateway received.
            signin = browser.post("/accounts/sign-in/", data={
                "email": STAFF["email"], "password": STAFF["password"], **form_fields(sign_in_page.text),
            })  # fmt: skip
            assert signin.status_code == 302, signin.text[-2000:]
            sms = [m for m in outside_parties["sms"].messages if m["to"] == STAFF["mobile"]]
            code = re.search(r"code is (\d{6})", sms[-1]["body"]).group(1)
            code_page = browser.get(signin.headers["Location"])
            signed_in = browser.post("/accounts/sign-in/code/", data={"code": code, **form_fields(code_page.text)})
            assert signed_in.status_code == 302, signed_in.text[-2000:]

            # The case reaches the licensing queue once the workers have completed its automated checks.
            def case_in_queue():
                queue = browser.get("/backoffice/workflow/queue/")
                assert queue.status_code == 200, queue.text[-2000:]
                return reference in queue.text

            wait_for(case_in_queue, "the automated checks did not complete on the workers", 120, cluster)
        # The step went through the Prefect server, which keeps its runs in PostgreSQL.
        runs = query(prefect_db, "SELECT state_type FROM task_run WHERE name LIKE 'run-job:%'")
        assert ("COMPLETED",) in runs, runs
        cluster.assert_running()
    finally:
        cluster.stop()
        drop_database(web_db)
        drop_database(prefect_db)
    for name in cluster.processes:
        assert "Traceback" not in cluster.log(name).read_text(), f"{name}:\n{cluster.log(name).read_text()[-4000:]}"
