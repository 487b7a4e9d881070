"""Settings for the test suite: the environment's settings with ECS_TESTING on (fast hashing, outbox SMS)."""

import os

os.environ["ECS_TESTING"] = "1"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from portal.settings import *  # noqa: E402, F403

# A connection per request, as before connections were kept: tests run the web, the task worker and the relay in
# threads and event loops of one process, and a kept connection of a finished one would hold the test database
# open when the session drops it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
