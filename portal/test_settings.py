"""Settings for the test suite: the environment's settings with ECS_TESTING on (fast hashing, outbox SMS)."""

import os

os.environ["ECS_TESTING"] = "1"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from portal.settings import *  # noqa: E402, F403
