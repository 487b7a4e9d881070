"""Production settings: fail fast without secrets, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "ecs.example.org",
    "DATABASE_URL": "sqlite:////tmp/ecs-deploy-check.sqlite3",
    "SMS_GATEWAY_URL": "https://sms.example.org/send",
    "SMS_GATEWAY_API_KEY": "key",
    "ECS_VAR_DIR": "/tmp/ecs-deploy-check",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SMS_GATEWAY_API_KEY"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
