"""The rows of the employer's application tables (see portal.core.rows): Applications Requiring Attention's four
sections, Being Produced and Completed."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.core.rows import day, joined, pk_url

CELL = '<td class="govuk-table__cell">{}</td>'
ROW = '<tr class="govuk-table__row">{}</tr>'
DISPATCHED = mark_safe('<strong class="govuk-tag govuk-tag--green">Dispatched</strong>')  # noqa: S308 - a constant


def _type(a) -> str:
    return f"{a.card_type.short_name} - {a.get_application_type_display()}"


def _cells(*values) -> str:
    return joined(format_html(CELL, value) for value in values)


def in_progress(rows, *, can_fill: bool):
    detail = pk_url("applications:detail")
    out = []
    for a in rows:
        if can_fill:
            step = format_html(
                '<a class="govuk-link" href="{}">Resume at step {}<span class="govuk-visually-hidden"> for {}</span>'
                "</a>",
                a.resume_url, a.step, a.operative.full_name,
            )  # fmt: skip
        else:
            step = f"Step {a.step}"
        link = format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference)
        out.append(
            format_html(ROW, _cells(link, a.operative.sort_name, a.office.name, _type(a), step, day(a.created_at)))
        )
    return joined(out)


def finalised(rows):
    detail = pk_url("applications:detail")
    out = []
    for a in rows:
        tick = format_html(
            '<div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">'
            '<input class="govuk-checkboxes__input" type="checkbox" name="application" value="{}" id="application-{}">'
            '<label class="govuk-label govuk-checkboxes__label" for="application-{}">'
            '<span class="govuk-visually-hidden">Select {} {}</span></label></div></div>',
            a.pk, a.pk, a.pk, a.reference, a.operative.full_name,
        )  # fmt: skip
        link = format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference)
        photo = "OK" if a.photo and not a.photo_problems else "None"
        cells = _cells(
            tick, link, a.operative.sort_name, a.organisation.name, a.office.name, a.hse_status, photo, _type(a),
            a.grade or a.main_occupation or "–", a.main_occupation or "–",
        )  # fmt: skip
        out.append(format_html(ROW, cells))
    return joined(out)


def ordered(rows):
    detail = pk_url("applications:detail")
    return joined(
        format_html(
            ROW,
            _cells(
                format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference),
                a.operative.sort_name,
                a.office.name,
                _type(a),
                a.main_occupation or "–",
            ),
        )  # fmt: skip
        for a in rows
    )


def needing_action(rows):
    detail, supply = pk_url("applications:detail"), pk_url("applications:supply")
    supervisor, grading = pk_url("applications:endorse", "supervisor"), pk_url("applications:endorse", "grading")
    out = []
    for a in rows:
        status = a.get_status_display() + (f": {a.hold_reason}" if a.hold_reason else "")
        actions = []
        if a.status == "on_hold":
            actions.append(
                format_html(
                    '<a class="govuk-link" href="{}">Supply what is missing<span class="govuk-visually-hidden"> for {}'
                    "</span></a>",
                    supply(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        if a.awaiting_supervisor_endorsement:
            actions.append(
                format_html(
                    '<a class="govuk-link" href="{}">Endorse Qualified Supervisor status<span '
                    'class="govuk-visually-hidden"> for {}</span></a>',
                    supervisor(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        if a.awaiting_grading_endorsement:
            actions.append(
                format_html(
                    '<a class="govuk-link" href="{}">Endorse the change in grading<span class="govuk-visually-hidden">'
                    " for {}</span></a>",
                    grading(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        link = format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference)
        out.append(
            format_html(ROW, _cells(link, a.operative.sort_name, a.office.name, status, joined([" ".join(actions)])))
        )
    return joined(out)


def _tag_class(status: str) -> str:
    if status in ("on_hold", "awaiting_endorsement"):
        return "govuk-tag--orange"
    return "govuk-tag--yellow" if status == "conditional_hold" else "govuk-tag--blue"


def being_produced(rows, *, can_supply: bool, can_endorse_grading: bool, can_endorse_supervisor: bool):
    detail, supply = pk_url("applications:detail"), pk_url("applications:supply")
    supervisor, grading = pk_url("applications:endorse", "supervisor"), pk_url("applications:endorse", "grading")
    out = []
    for a in rows:
        stage = [
            format_html('<strong class="govuk-tag {}">{}</strong>', _tag_class(a.status), a.get_status_display()),
            format_html('<p class="govuk-body-s govuk-!-margin-bottom-0">{}</p>', a.stage_hint),
        ]
        if a.status == "on_hold" and a.hold_reason:
            stage.append(
                format_html('<p class="govuk-body-s govuk-!-margin-bottom-0"><strong>Needed:</strong> {}</p>',
                            a.hold_reason)
            )  # fmt: skip
        if a.status == "on_hold" and can_supply:
            stage.append(
                format_html(
                    '<a class="govuk-link" href="{}">Supply what is missing<span class="govuk-visually-hidden"> for {}'
                    "</span></a>",
                    supply(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        if a.awaiting_grading_endorsement and can_endorse_grading:
            stage.append(
                format_html(
                    '<a class="govuk-link" href="{}">Endorse the change in grading<span class="govuk-visually-hidden">'
                    " for {}</span></a><br>",
                    grading(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        if a.awaiting_supervisor_endorsement and can_endorse_supervisor:
            stage.append(
                format_html(
                    '<a class="govuk-link" href="{}">Endorse Qualified Supervisor status<span '
                    'class="govuk-visually-hidden"> for {}</span></a>',
                    supervisor(a.pk),
                    a.reference,
                )  # fmt: skip
            )
        applying = format_html("{}{}", a.main_occupation or "–", f" ({a.grade})" if a.grade else "")
        link = format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference)
        cells = _cells(link, a.operative.sort_name, a.office.name, _type(a), applying, day(a.paid_at), joined(stage))
        out.append(format_html(ROW, cells))
    return joined(out)


def completed(rows):
    detail = pk_url("applications:detail")
    out = []
    for a in rows:
        if a.status == "dispatched":
            outcome = DISPATCHED
        else:
            outcome = format_html(
                '<strong class="govuk-tag govuk-tag--red">{}</strong>'
                '<p class="govuk-body-s govuk-!-margin-bottom-0">{}</p>',
                a.get_status_display(), a.decision_reason,
            )  # fmt: skip
        card = a.card
        link = format_html('<a class="govuk-link" href="{}">{}</a>', detail(a.pk), a.reference)
        cells = _cells(
            link, a.operative.sort_name, a.office.name, _type(a), day(a.completed_at), outcome,
            card.number if card else "–", day(card.expires_on, "–") if card else "–",
        )  # fmt: skip
        out.append(format_html(ROW, cells))
    return joined(out)
