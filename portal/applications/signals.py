"""What happens to a card application, announced in the domain's own words.

Each signal is sent by a service inside the transaction of the change it announces, so whatever listens (the
card application process, in workflows.card_application.receivers) moves with the change or not at all: a
receiver that raises undoes the change. Every signal is sent with `sender=CardApplication`.

- application_started(application, actor): an employer started the application.
- application_paid(application, actor): the order holding the application is paid (actor: None when the
  payment was matched automatically).
- application_withdrawn(application, actor): the employer withdrew the application (before it was ordered).
- endorsement_decided(application, which, endorsed, actor): the employer's user `actor` endorsed
  (`endorsed=True`) or declined a change in grading or Qualified Supervisor status (`which`: a
  CardApplication.Endorsement value, "grading" or "supervisor").
- missing_information_supplied(application, actor): the employer's user `actor` answered an application on
  hold with what the JIB asked for.
- conditional_hold_released(application, actor): an HS&E pass was recorded for an application on conditional
  hold, which takes it and goes back to verifying (actor: who recorded the pass, None when it came in
  automatically).
- endorsement_awaited(application, which): the process reached the employer's endorsement `which` (a
  CardApplication.Endorsement value); the portal offers it to the users holding its flag.
- application_put_on_hold(application, actor): the JIB's case worker `actor` put the application on hold, asking
  the employer for what is missing (`application.hold_reason`).
- application_rejected(application, actor): the JIB's case worker `actor` rejected the application
  (`application.decision_reason`).
- card_prepared(application, card): the card was prepared (`card`, its number and expiry).
- card_dispatched(application, actor): the JIB's processing team `actor` sent the prepared card.
"""

from django.dispatch import Signal

application_started = Signal()
application_paid = Signal()
application_withdrawn = Signal()
endorsement_decided = Signal()
missing_information_supplied = Signal()
conditional_hold_released = Signal()
endorsement_awaited = Signal()
application_put_on_hold = Signal()
application_rejected = Signal()
card_prepared = Signal()
card_dispatched = Signal()
