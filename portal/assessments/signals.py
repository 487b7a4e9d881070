"""Facts about assessment bookings that the assessments domain announces.

Each signal is sent inside the transaction of the change it reports; the assessment-booking process listens.
"""

from django.dispatch import Signal

# A delegate was booked. Arguments: `booking` (Booking), `actor` (User).
booking_created = Signal()

# A booking was cancelled before the delegate started; its credit went back. Arguments: `booking`, `actor`.
booking_cancelled = Signal()

# Credits were granted to an organisation (an order paid). Arguments: `organisation`, `assessment_type`,
# `quantity` (int), `order` (Order or None), `actor` (User or None).
credits_granted = Signal()

# A result was recorded on the delegate's ECS record. Arguments: `booking` (Booking), `result`
# (AssessmentResult), `actor` (User or None).
result_recorded = Signal()

# The delegate's single-use link was issued (the caller sends it). Arguments: `booking`, `actor` (User or None).
booking_invited = Signal()

# The link ran out before the delegate started. Arguments: `booking`.
booking_expired = Signal()

# The invigilator voided the sitting: no result. Arguments: `booking`, `actor`, `reason` (str).
booking_voided = Signal()
