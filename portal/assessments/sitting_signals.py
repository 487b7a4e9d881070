"""Facts about the delegate's session that the assessments domain announces (beside signals.py's booking facts:
booking_created, booking_cancelled, booking_expired). Each is sent inside the transaction of the change; the
assessment-booking process listens.
"""

from django.dispatch import Signal

# The delegate started the assessment (stage 2's timer runs). Arguments: `booking`, `sitting`.
sitting_started = Signal()

# The sitting ended: submitted by the delegate, submitted when the time ran out, or failed (an attention prompt
# missed, the assessment window left). It waits to be marked. Arguments: `booking`, `sitting`.
sitting_submitted = Signal()
