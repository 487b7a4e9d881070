"""The `manage.py` commands the README and the guides name work as written, in a shell with nothing else set."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# `[VAR=value ...] .venv/bin/python manage.py <command> [arguments]` inside backticks.
COMMAND = re.compile(r"`((?:[A-Z_]+=\S+ )*\.venv/bin/python manage\.py [^`]+)`")


def documented_commands() -> set[str]:
    return {match for path in DOCUMENTS for match in COMMAND.findall(path.read_text())}


def clean_env(var_dir: Path) -> dict:
    """A new shell: no DEBUG, no SECRET_KEY, nothing the test run set; the database under a temporary var/."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "ECS_VAR_DIR": str(var_dir)}


def test_the_guides_name_the_outbox_command():
    assert "DEBUG=1 .venv/bin/python manage.py sms_outbox" in documented_commands()


def test_every_documented_manage_command_runs_as_written(tmp_path):
    env = clean_env(tmp_path)
    migrate = subprocess.run(
        ["bash", "-c", "DEBUG=1 .venv/bin/python manage.py migrate --no-input -v 0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    for command in sorted(documented_commands()):
        result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"


@pytest.mark.django_db
def test_the_outbox_command_in_production_says_where_messages_go(settings):
    settings.SMS_BACKEND = "portal.accounts.sms.HttpSmsBackend"
    with pytest.raises(CommandError, match="go to the SMS gateway"):
        call_command("sms_outbox")
