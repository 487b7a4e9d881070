"""Start the whole system on one machine and stop it cleanly on Ctrl-C.

The web app, a local Prefect server on SQLite under var/prefect, the relay that hands recorded jobs to Prefect,
the Prefect task worker and the scheduled flows, localstripe and the sandbox servers. Each line of output is
prefixed with the service's name. When one service dies, the others are stopped and the exit code says which.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WEB_PORT = int(os.environ.get("PORT", "8000"))
PREFECT_PORT = int(os.environ.get("PREFECT_PORT", "4200"))
PREFECT_HOME = ROOT / "var" / "prefect"

BASE_ENV = {
    "DEBUG": "1",
    "PYTHONUNBUFFERED": "1",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "PREFECT_HOME": str(PREFECT_HOME),
    # Every process talks to the one local server: no process may start Prefect's temporary server.
    "PREFECT_API_URL": f"http://127.0.0.1:{PREFECT_PORT}/api",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "true",
    "PREFECT_SERVER_API_HOST": "127.0.0.1",
    "PREFECT_SERVER_API_PORT": str(PREFECT_PORT),
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The server's "Late" labelling of runs past their time writes to the server's SQLite database while the
    # schedules runner claims the same runs; after a restart it labels every run missed meanwhile and loses the
    # race ("database is locked" tracebacks, PrefectHQ/prefect#17473). The runner starts late runs all the same;
    # the label is all that is left out here (the cluster's Prefect on PostgreSQL keeps it).
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "COMPANIES_HOUSE_URL": "http://127.0.0.1:8101",
    "AWARDING_BODIES_URL": "http://127.0.0.1:8102",
    "STRIPE_API_BASE": "http://127.0.0.1:8420",
    "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
}


@dataclass
class Service:
    name: str
    command: list[str]
    ready_url: str | None = None
    env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None


PREFECT = Service(
    "prefect",
    [PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(PREFECT_PORT)],
    ready_url=f"http://127.0.0.1:{PREFECT_PORT}/api/health",
)
SERVICES = [
    Service("companies-house", [PY, "-m", "sandboxes.companies_house", "--port", "8101"]),
    Service("awarding-bodies", [PY, "-m", "sandboxes.awarding_bodies", "--port", "8102"]),
    Service("localstripe", [str(Path(PY).parent / "localstripe"), "--port", "8420"]),
    Service("worker", [PY, "-m", "tasks.worker"]),
    Service("relay", [PY, "-m", "tasks.relay"]),
    Service("schedules", [PY, "-m", "tasks.serve"]),
    Service(
        "web",
        [PY, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"],
        ready_url=f"http://127.0.0.1:{WEB_PORT}/accounts/sign-in/",
    ),
]

stopping = threading.Event()
print_lock = threading.Lock()


def say(name: str, line: str) -> None:
    with print_lock:
        sys.stdout.write(f"{name:>16} | {line}")
        if not line.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()


def start(service: Service) -> None:
    env = {**os.environ, **BASE_ENV, **service.env}
    service.process = subprocess.Popen(
        service.command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so stopping it stops its children too
    )
    threading.Thread(target=pump, args=(service,), daemon=True).start()


def pump(service: Service) -> None:
    for line in service.process.stdout:
        say(service.name, line)


def wait_ready(service: Service, timeout: float = 90) -> bool:
    if service.ready_url is None:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping.is_set():
        if service.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(service.ready_url, timeout=2):  # noqa: S310 (localhost only)
                return True
        except OSError:
            time.sleep(0.5)
    return False


def stop_all(services: list[Service]) -> None:
    stopping.set()
    running = [s for s in services if s.process and s.process.poll() is None]
    for service in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for service in running:
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)


def interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
    everything = [PREFECT, *SERVICES]
    signal.signal(signal.SIGTERM, interrupt)
    try:
        start(PREFECT)
        say("run", "waiting for the Prefect server")
        if not wait_ready(PREFECT, timeout=120):
            say("run", "the Prefect server did not start; see its output above")
            stop_all(everything)
            return 1
        for service in SERVICES:
            start(service)
        for service in SERVICES:
            if not wait_ready(service):
                say("run", f"{service.name} did not start; see its output above")
                stop_all(everything)
                return 1
        register_stripe_webhook()
        banner()
        while True:
            for service in everything:
                code = service.process.poll()
                if code is not None:
                    say("run", f"{service.name} stopped with exit code {code}; stopping the others")
                    stop_all(everything)
                    return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("run", "stopping")
        stop_all(everything)
        return 0


def register_stripe_webhook() -> None:
    """Ask localstripe to deliver its signed payment events to the web app (as a Stripe dashboard webhook does)."""
    import json

    body = json.dumps(
        {
            "url": f"http://127.0.0.1:{WEB_PORT}/portal/orders/stripe/webhook/",
            "secret": os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_sandbox"),
            "events": ["payment_intent.succeeded", "payment_intent.payment_failed"],
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (localhost only)
        f"{BASE_ENV['STRIPE_API_BASE']}/_config/webhooks/portal",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    for _ in range(20):
        try:
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310 (localhost only)
                say("run", "localstripe delivers payment events to /portal/orders/stripe/webhook/")
                return
        except OSError:
            time.sleep(0.5)
    say("run", "localstripe did not accept the webhook registration: card payments will not be confirmed")


def banner() -> None:
    from_file = ROOT / "var" / "demo_accounts.txt"
    accounts = from_file.read_text() if from_file.exists() else ""
    lines = [
        "",
        "ECS Online Systems is running:",
        f"  Web app             http://127.0.0.1:{WEB_PORT}/",
        f"  Public application  http://127.0.0.1:{WEB_PORT}/apply/",
        f"  Back office         http://127.0.0.1:{WEB_PORT}/backoffice/",
        f"  Prefect UI          http://127.0.0.1:{PREFECT_PORT}/",
        "  Companies House     http://127.0.0.1:8101/ (sandbox)",
        "  Awarding bodies     http://127.0.0.1:8102/ (sandbox)",
        "  Stripe              http://127.0.0.1:8420/ (localstripe)",
        "",
        accounts.rstrip(),
        "Security codes: DEBUG=1 .venv/bin/python manage.py sms_outbox (or /accounts/sms-outbox/ as admin@jib.example)",
        "Ctrl-C stops everything.",
        "",
    ]
    with print_lock:
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
