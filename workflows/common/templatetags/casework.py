"""Values on viewflow's process and task pages as people read them (no Python representations, no ISO times)."""

from datetime import date, datetime

from django import template
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import date as format_date
from django.utils import timezone

from workflows.common.services import job_failure_reason

register = template.Library()


@register.filter
def readable(value) -> str:
    """Yes/No, dates as "30 November 2026" (times in local time), files as "Uploaded", lists joined by commas.
    Empty for what has nothing to show (no file, an empty list) and for nested structures (the automated checks'
    findings, shown on the case page)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return format_date(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y, H:i")
    if isinstance(value, date):
        return format_date(value, "j F Y")
    if isinstance(value, FieldFile):
        return "Uploaded" if value else ""
    if isinstance(value, dict):
        return ""
    if isinstance(value, list | tuple):
        if any(isinstance(item, dict | list | tuple) for item in value):
            return ""
        return ", ".join(readable(item) for item in value)
    return str(value)


@register.filter
def readable_rows(data) -> list[tuple[str, str]]:
    """viewflow's (field, label, value) rows that have something readable to show."""
    rows = []
    for field, label, value in data or ():
        if field.name in ("parent_task", "data", "flow_class", "process", "task") or field.name.endswith(
            ("_object_id", "_content_type")
        ):
            continue
        shown = readable(value)
        if shown:
            rows.append((label, shown))
    return rows


@register.filter
def failure_reason(task) -> str:
    """Why an automated step failed, as recorded on the task."""
    return job_failure_reason(task=task) if task is not None else ""
