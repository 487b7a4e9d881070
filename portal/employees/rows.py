"""The rows of the employee tables (see portal.core.rows): current employees, cards expiring soon / expired."""

from django.utils.html import format_html

from portal.core.rows import day, joined, pk_url

ROW = '<tr class="govuk-table__row">{}</tr>'


def employees(rows, *, can_start: bool):
    detail = pk_url("employees:detail")
    out = []
    for e in rows:
        operative = e.operative
        cells = []
        if can_start:
            cells.append(
                format_html(
                    '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small">'
                    '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" '
                    'name="employment" value="{}" id="employment-{}"{}><label class="govuk-label '
                    'govuk-checkboxes__label" for="employment-{}"><span class="govuk-visually-hidden">Select {}'
                    "</span></label></div></div></td>",
                    e.pk,
                    e.pk,
                    " checked" if e.chosen else "",
                    e.pk,
                    operative.sort_name,
                )  # fmt: skip
            )
        cards = ", ".join(c.number for c in operative.current_cards) or "None"
        cells.append(
            format_html(
                '<td class="govuk-table__cell" data-label="Employee name"><a class="govuk-link" href="{}">{}</a></td>'
                '<td class="govuk-table__cell" data-label="Apps In Progress">{}</td>'
                '<td class="govuk-table__cell" data-label="NI number">{}</td>'
                '<td class="govuk-table__cell" data-label="Office">{}</td>'
                '<td class="govuk-table__cell" data-label="Card no./s">{}</td>'
                '<td class="govuk-table__cell" data-label="Newest card expires">{}</td>'
                '<td class="govuk-table__cell" data-label="H&amp;S status">{}</td>',
                detail(e.pk),
                operative.sort_name,
                e.apps_in_progress,
                operative.ni_number,
                e.office.name,
                cards,
                day(e.card_expires_on, "–"),
                e.hse_status,
            )  # fmt: skip
        )
        out.append(format_html(ROW, joined(cells)))
    return joined(out)


def expiring(rows):
    return joined(
        format_html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
            '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td></tr>',
            e.operative.sort_name,
            e.card.card_type.name,
            e.card.number,
            day(e.card_expires_on),
        )  # fmt: skip
        for e in rows
    )
