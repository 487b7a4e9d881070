"""Scheduled work runs on the Prefect server `make run` starts: `scripts/run.py`'s own command and environment (a
`prefect server start` process on SQLite under its PREFECT_HOME), with `python -m tasks.serve` serving the
deployments. The server's scheduler must create the runs and the served process must complete them."""

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
DEADLINE_SECONDS = 180  # from the server's start; it has scheduled and completed runs in about 60 s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_run_script(prefect_port: int):
    """scripts/run.py as `make run` uses it, on a free Prefect port."""
    os.environ["PREFECT_PORT"] = str(prefect_port)
    try:
        spec = importlib.util.spec_from_file_location("ecs_run_script", ROOT / "scripts" / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        del os.environ["PREFECT_PORT"]
    return module


def start(command, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(5)


def wait_for(check, what: str, deadline: float, logs: list[Path]):
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
            pytest.fail(f"{what} within {DEADLINE_SECONDS} s\n{tails}")
        time.sleep(1)


@pytest.mark.prefect
def test_a_scheduled_deployment_completes_a_flow_run_on_the_make_run_server(tmp_path):
    run = load_run_script(free_port())
    # A shell as `make run` has it (nothing from the test run: its settings module, database or Prefect harness).
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # the Makefile exports it
        **run.BASE_ENV,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "ECS_VAR_DIR": str(tmp_path / "var"),
        "ECS_SWEEP_INTERVAL_SECONDS": "10",
    }
    (tmp_path / "prefect").mkdir()
    api = env["PREFECT_API_URL"]
    server_log, serve_log = tmp_path / "prefect-server.log", tmp_path / "schedules.log"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-2000:]

    deadline = time.monotonic() + DEADLINE_SECONDS
    server = start(run.PREFECT.command, env, server_log)
    schedules = None
    try:

        def healthy():
            assert server.poll() is None, server_log.read_text()[-3000:]
            try:
                return httpx.get(f"{api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, "the Prefect server did not answer", deadline, [server_log])
        schedules = start([sys.executable, "-m", "tasks.serve"], env, serve_log)

        def completed_sweep():
            assert schedules.poll() is None, serve_log.read_text()[-3000:]
            response = httpx.post(
                f"{api}/flow_runs/filter",
                json={
                    "flows": {"name": {"any_": ["sweep-stalled-jobs"]}},
                    "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
                },
                timeout=5,
            )
            response.raise_for_status()
            return [r for r in response.json() if r["deployment_id"] and r["auto_scheduled"]]

        runs = wait_for(completed_sweep, "no scheduled sweep run completed", deadline, [server_log, serve_log])
        assert runs[0]["state"]["type"] == "COMPLETED"
    finally:
        if schedules is not None:
            stop(schedules)
        stop(server)
    # The scheduler's failure ("Can't evaluate bulk DML statement") was logged as a traceback every minute.
    assert "Traceback" not in server_log.read_text(), server_log.read_text()[-3000:]
