"""The confirmation page of a destructive action (GOV.UK pattern): it says what will happen; the action itself is
only done by the POST of its button."""

from dataclasses import dataclass, field

from django.shortcuts import render


@dataclass(frozen=True)
class Confirmation:
    title: str  # the question, e.g. "Close the Cardiff office?"
    consequences: list[str]  # what will happen, one sentence each
    button: str  # what the button does, e.g. "Close the office"
    cancel_url: str
    hidden: list[tuple[str, object]] = field(default_factory=list)  # posted again with the button
    items: list[str] = field(default_factory=list)  # what the action applies to, when several
    warning: str = ""  # what cannot be undone


def confirmation_page(request, confirmation: Confirmation):
    return render(request, "core/confirm.html", {"confirmation": confirmation})
