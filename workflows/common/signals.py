"""Facts about automated steps that other parts of the back office react to."""

from django.dispatch import Signal

# An automated step failed after its retries and now waits for a person (workflows.incidents opens an incident).
# Sent inside the process lock's transaction. Arguments: `task` (the failed job's viewflow task), `reason` (in
# words), `tries` (how many runs this failure took).
job_failed = Signal()
