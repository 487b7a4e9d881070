"""Values on viewflow's process and task pages as people read them (no Python representations, no ISO times)."""

import re
from datetime import date, datetime

from django import template
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.accounts.access import in_jib_team, jib_teams_of
from portal.accounts.models import JibTeam
from workflows.common.services import job_failure_reason

register = template.Library()


@register.filter
def readable(value) -> str:
    """Yes/No, dates as "30 Nov 2026" and times as "30 Nov 2026 07:31" (local time), files as "Uploaded", lists
    as words ("fire, data and security"). Empty for what has nothing to show (no file, an empty list) and for
    nested structures (the automated checks' findings, shown on the case page)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return format_date(value, "j M Y")
    if isinstance(value, FieldFile):
        return "Uploaded" if value else ""
    if isinstance(value, dict):
        return ""
    if isinstance(value, list | tuple):
        if any(isinstance(item, dict | list | tuple) for item in value):
            return ""
        return words(readable(item) for item in value)
    return plain_dates(value)


@register.filter
def readable_rows(data) -> list[tuple[str, str]]:
    """viewflow's (field, label, value) rows that have something readable to show."""
    from viewflow.workflow.models import Process

    rows = []
    for field, label, value in data or ():
        name = field.name
        if name in HIDDEN_FIELDS or name.endswith(("_object_id", "_content_type", "_id", "_key", "_hash")):
            continue
        if name.startswith("awaiting_"):
            continue
        label = str(getattr(field, "verbose_name", label) or label)
        if isinstance(field.model, type) and issubclass(field.model, Process) and name in PROCESS_LABELS:
            label = PROCESS_LABELS[name]
            if name == "status":
                value = status_words(str(value).upper().replace(" ", ""))
        if name.endswith("_pence"):
            label = str(label).removesuffix(" pence").removesuffix(" Pence")
            shown = pounds(value) if isinstance(value, int) else ""
        elif getattr(field, "choices", None) and not isinstance(value, list | tuple | dict):
            shown = str(dict(field.flatchoices).get(value, value)) if value not in (None, "") else ""
        else:
            shown = readable(value)
        label = str(label)[:1].upper() + str(label)[1:]
        if shown and (label, shown) not in rows and shown != "None":
            rows.append((label, shown))
    return rows


# Fields no one reads: the engine's own, and fingerprints, tokens and raw payloads.
HIDDEN_FIELDS = frozenset(
    ("id", "parent_task", "data", "flow_class", "process", "task", "fingerprint", "token", "raw", "payload", "reading")
    + ("step", "pre_checks", "findings", "problems", "body_check", "payment_intent_id")
)
# The process's own fields, named as the case they are.
PROCESS_LABELS = {"status": "Case", "created": "Case opened", "finished": "Case closed"}


def when(value) -> str:
    """A moment as people read it, in local time: "30 Nov 2026 07:31"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        return format_date(timezone.localtime(value) if timezone.is_aware(value) else value, "j M Y H:i")
    return format_date(value, "j M Y")


register.filter("when", when)


def pounds(pence) -> str:
    """Integer pence as pounds: 3600 → "£36.00"."""
    if pence in (None, ""):
        return ""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


register.filter("pounds", pounds)


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


@register.filter
def list_rows(page, view):
    """viewflow's list rows, each cell as people read it: times "30 Nov 2026 07:31", Yes/No, no icons."""
    from viewflow.views.list import ModelFieldColumn

    for obj, row in view.get_page_data(page):
        cells = []
        for column, shown in row:
            try:
                value = column.get_value(obj)
            except Exception:  # a column that cannot be read again shows what viewflow formatted
                value = shown
            if isinstance(value, datetime | date | bool):
                text = readable(value)
                if column.attr_name in view.get_object_link_columns:
                    url = view.get_object_url(obj)
                    shown = format_html('<a class="govuk-link" href="{}">{}</a>', url, text) if url else text
                else:
                    shown = text
            elif isinstance(column, ModelFieldColumn) and value is None:
                shown = ""
            cells.append((column, shown))
        yield obj, cells


@register.filter
def govuk_widget(field):
    """A form field's widget with GOV.UK Frontend's class, and aria-describedby its hint and error."""
    widget_type = field.widget_type
    classes = {
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "selectmultiple": "govuk-select",
        "nullbooleanselect": "govuk-select",
        "checkbox": "govuk-checkboxes__input",
        "clearablefile": "govuk-file-upload",
        "file": "govuk-file-upload",
    }
    css = classes.get(widget_type, "govuk-input")
    if field.errors:
        css += {"govuk-textarea": " govuk-textarea--error", "govuk-select": " govuk-select--error"}.get(
            css, " govuk-input--error" if css == "govuk-input" else ""
        )
    described = " ".join(
        part
        for part, present in ((f"{field.auto_id}-hint", field.help_text), (f"{field.auto_id}-error", field.errors))
        if present
    )
    attrs = {"class": (field.field.widget.attrs.get("class", "") + " " + css).strip()}
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def can_manage(process, user) -> bool:
    """Whether the user may manage (cancel, reassign) the process's case."""
    return process.flow_class.instance.has_manage_permission(user, obj=process)


@register.filter
def status_words(status) -> str:
    """viewflow's status codes as words."""
    return {
        "NEW": "Open",
        "ASSIGNED": "Assigned",
        "STARTED": "Running",
        "SCHEDULED": "Waiting to run",
        "DONE": "Done",
        "CANCELED": "Cancelled",
        "ERROR": "Failed",
        "REVIVED": "Restarted",
    }.get(str(status), str(status).capitalize())


@register.filter
def status_colour(status) -> str:
    """A GOV.UK tag colour for a status."""
    return {
        "NEW": "govuk-tag--blue",
        "ASSIGNED": "govuk-tag--purple",
        "STARTED": "govuk-tag--turquoise",
        "SCHEDULED": "govuk-tag--turquoise",
        "DONE": "govuk-tag--green",
        "CANCELED": "govuk-tag--grey",
        "ERROR": "govuk-tag--red",
        "REVIVED": "govuk-tag--yellow",
    }.get(str(status), "govuk-tag--grey")


@register.simple_tag(takes_context=True)
def visible_flows(context) -> list[tuple[str, str, bool]]:
    """The processes the person may open: (title, dashboard URL, whether it is the one shown)."""
    from workflows.site import FLOW_VIEWSETS

    request = context.get("request")
    user = getattr(request, "user", None)
    flows = []
    for viewset in FLOW_VIEWSETS:
        flow = viewset._flow_class.instance
        if user is not None and flow.has_view_permission(user):
            url = flow.reverse("index")
            flows.append((viewset._flow_class.process_title, url, _is_current(request, url)))
    return flows


@register.filter
def finding_name(key) -> str:
    """A finding's key as its name: "companies_house" → "Companies House"."""
    names = {
        "companies_house": "Companies House",
        "membership": "Membership",
        "jib_membership": "JIB membership",
        "eca_membership": "ECA membership",
        "duplicates": "Duplicates",
    }
    return names.get(str(key), str(key).replace("_", " ").capitalize())


@register.filter
def row_label(obj) -> str:
    """What a list row is, in words, for its checkbox: "Verify the application: CA1234567 Amira Thomas"."""
    flow_task = getattr(obj, "flow_task", None)
    process = getattr(obj, "process", None)
    if flow_task is not None and process is not None:
        title = getattr(flow_task, "task_title", "") or str(flow_task)
        return f"{title}: {process.brief}" if getattr(process, "brief", "") else title
    return str(getattr(obj, "brief", "") or f"row {obj.pk}")


@register.filter
def action_words(label) -> str:
    """viewflow's transition names as the actions people take."""
    words = {
        "Assign": "Take the task",
        "Unassign": "Give it back to the queue",
        "Cancel": "Cancel this task",
        "Undo": "Undo this task",
        "Revive": "Restart this task",
        "Execute": "Do the task",
        "Reassign": "Give it to someone else",
    }
    return words.get(str(label), str(label))


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@register.filter
def plain_dates(text) -> str:
    """A stored sentence with any ISO date in it as people read it: "incorporated 1998-07-01" → "1 Jul 1998"."""

    def one(match):
        try:
            return format_date(date(int(match[1]), int(match[2]), int(match[3])), "j M Y")
        except ValueError:
            return match[0]

    return ISO_DATE.sub(one, str(text or ""))
