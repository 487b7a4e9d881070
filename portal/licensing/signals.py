"""Facts about licence applications that the licensing domain announces.

Each signal is sent inside the transaction of the change it reports, with the application as `sender`'s instance:
a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# An application was recorded and is waiting for its checks. Arguments: `application` (LicenceApplication).
licence_application_submitted = Signal()

# The applicant answered a request for more information; the application is back in verification.
# Arguments: `application` (LicenceApplication).
licence_application_information_received = Signal()
