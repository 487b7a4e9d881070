"""Production settings: fail fast without secrets, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "ecs.example.org",
    "DATABASE_URL": "sqlite:////tmp/ecs-deploy-check.sqlite3",
    "SMS_GATEWAY_URL": "https://sms.example.org/send",
    "SMS_GATEWAY_API_KEY": "key",
    "EMAIL_HOST": "smtp.example.org",
    "ECS_VAR_DIR": "/tmp/ecs-deploy-check",
    "COMPANIES_HOUSE_URL": "https://api.company-information.service.gov.uk",
    "COMPANIES_HOUSE_API_KEY": "ch-key",
    "AWARDING_BODIES_URL": "https://awarding-bodies.example.org",
    "STRIPE_API_BASE": "https://api.stripe.com",
    "STRIPE_SECRET_KEY": "sk_live_0123456789",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_0123456789",
    "STRIPE_WEBHOOK_SECRET": "whsec_0123456789abcdef",
}
THIRD_PARTY = [
    "COMPANIES_HOUSE_URL",
    "COMPANIES_HOUSE_API_KEY",
    "AWARDING_BODIES_URL",
    "STRIPE_API_BASE",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "SMS_GATEWAY_URL",
        "SMS_GATEWAY_API_KEY",
        "EMAIL_HOST",
        *THIRD_PARTY,
    ],
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


@pytest.mark.parametrize("missing", THIRD_PARTY)
def test_production_refuses_an_empty_third_party_setting(missing):
    # docker-compose passes an unset variable as an empty string.
    result = manage("check", env={**PRODUCTION_ENV, missing: ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_check_deploy_without_any_stripe_variable_refuses_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if not k.startswith("STRIPE_")}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "STRIPE_" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STRIPE_WEBHOOK_SECRET", "whsec_sandbox"),  # the sandbox's public value signs anyone's events
        ("STRIPE_WEBHOOK_SECRET", "secret-without-the-prefix"),
        ("STRIPE_SECRET_KEY", "sk_test_sandbox"),
        ("STRIPE_SECRET_KEY", "pk_live_wrong_kind"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_sandbox"),
    ],
)
def test_production_refuses_a_sandbox_or_malformed_stripe_key(name, value):
    result = manage("check", env={**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
