"""The ECS record's assessment results other than HS&E (HS&E shows with the registry's results), for the
employee's record page."""

from django import template

from portal.assessments.models import HSE_CODE
from portal.assessments.selectors import results_for

register = template.Library()


@register.inclusion_tag("assessments/_record_results.html")
def assessment_results(operative):
    return {"results": results_for(operative=operative).exclude(assessment_type__code=HSE_CODE)}
