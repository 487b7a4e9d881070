"""Values on viewflow's process and task pages as people read them (no Python representations, no ISO times)."""

from datetime import date, datetime

from django import template
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.safestring import mark_safe

from portal.accounts.access import in_jib_team, jib_teams_of
from portal.accounts.models import JibTeam
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


@register.filter
def team_labels(user) -> str:
    """The JIB teams a staff member belongs to, as words: "Verification and Team leader"."""
    labels = [label for value, label in JibTeam.choices if value in jib_teams_of(user)]
    return words(labels)


@register.filter
def in_teams(user, teams: str) -> bool:
    """Whether the user is in one of the comma-separated JIB teams."""
    return in_jib_team(user, *teams.split(","))


def _is_current(request, href: str) -> bool:
    return bool(request and href) and (request.path == href or (href.rstrip("/") and request.path.startswith(href)))


@register.simple_tag(takes_context=True)
def nav_active(context, href) -> str:
    """The navigation item's "active" class on the section's own pages."""
    return " ecs-nav__item--active" if _is_current(context.get("request"), href) else ""


@register.simple_tag(takes_context=True)
def nav_current(context, href) -> str:
    """aria-current on the navigation link of the section the page belongs to."""
    return mark_safe(' aria-current="page"') if _is_current(context.get("request"), href) else ""


@register.filter
def words(items) -> str:
    """A list as words: "fire, network infrastructure and security"."""
    items = [str(item) for item in items or () if item not in (None, "")]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
