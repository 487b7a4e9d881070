"""Settings for the test suite: the environment's settings with ECS_TESTING on (fast hashing, outbox SMS)."""

import os

os.environ["ECS_TESTING"] = "1"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from portal.settings import *  # noqa: E402, F403

# The browser tests' live server serves the static files from their sources (no collectstatic before a test run).
WHITENOISE_USE_FINDERS = True
