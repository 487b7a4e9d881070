"""The ECS record's assessment results other than HS&E (HS&E shows with the registry's results), the open
bookings the user may see, and a link to book, for the employee's record page."""

from django import template

from portal.assessments.models import HSE_CODE, Booking
from portal.assessments.selectors import bookings_in_scope, results_for
from portal.licensing.models import LicencePart
from portal.organisations.access import holds, licence_of
from portal.organisations.permissions import Flag

register = template.Library()


@register.inclusion_tag("assessments/_record_results.html", takes_context=True)
def assessment_results(context, operative, employment=None):
    portal_user = context.get("portal_user")
    licence = licence_of(portal_user) if portal_user is not None else None
    licensed = licence is not None and licence.covers(LicencePart.ASSESSMENTS)
    bookings = []
    if licensed and holds(portal_user, Flag.VIEW_APPLICATIONS):
        bookings = bookings_in_scope(portal_user).filter(operative=operative, status__in=Booking.OPEN)
        bookings = bookings.select_related("assessment_type")
    can_book = (
        licensed
        and employment is not None
        and employment.is_current
        and holds(portal_user, Flag.FILL_IN_APPLICATIONS)
        and holds(portal_user, Flag.VIEW_EMPLOYEES)
    )
    return {
        "results": results_for(operative=operative).exclude(assessment_type__code=HSE_CODE),
        "bookings": bookings,
        "book_employment": employment if can_book else None,
    }
