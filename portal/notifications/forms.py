from django import forms

from portal.core.forms import GovukForm
from portal.notifications.models import OPTIONAL, Kind


class PreferencesForm(GovukForm):
    receive = forms.MultipleChoiceField(
        label="Send me an email when",
        choices=[(kind.value, kind.label) for kind in OPTIONAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Untick what you do not want to receive.",
        error_messages={"invalid_choice": "Choose only from the messages listed."},
    )

    @staticmethod
    def essential_labels() -> list[str]:
        return [Kind(kind).label for kind in (Kind.ON_HOLD, Kind.ENDORSEMENT_AWAITED, Kind.REJECTED)]
