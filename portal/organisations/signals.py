"""What happens to an organisation, announced in the domain's own words (sent inside the change's transaction).

- organisation_renamed(organisation, old_name): the organisation's name changed from `old_name` to
  `organisation.name`; the back office's work lists find its open cases by the new name.
"""

from django.dispatch import Signal

organisation_renamed = Signal()
