"""What happens on the national ECS record, announced for the apps that depend on it.

- hse_pass_recorded(operative, result, actor): an HS&E assessment pass was recorded (or a result corrected to a
  pass) for `operative`. Sent with `sender=HseResult` inside the transaction that records it.
"""

from django.dispatch import Signal

hse_pass_recorded = Signal()
