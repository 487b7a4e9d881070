"""Employ most demo operatives at Brightwire's offices; a few have left. Idempotent."""

from datetime import date, timedelta

from portal.employees.models import Employment
from portal.employees.services import employment_summaries_fill
from portal.organisations.models import Office, Organisation
from portal.registry.demo import DEMO_COUNT, demo_ni_number
from portal.registry.models import Operative


def load(*, stdout) -> None:
    organisation = Organisation.objects.filter(name="Brightwire Electrical Ltd").first()
    if organisation is None or Employment.objects.filter(organisation=organisation).exists():
        return
    offices = list(Office.objects.filter(organisation=organisation).order_by("path"))
    operatives = Operative.objects.filter(ni_number__in=[demo_ni_number(i) for i in range(DEMO_COUNT)])
    operatives = sorted(operatives, key=lambda o: o.ni_number[2:8])
    today = date.today()
    employments = []
    for i, operative in enumerate(operatives[:185]):
        left = today - timedelta(days=30 + i) if i % 25 == 24 else None
        employments.append(
            Employment(
                operative=operative,
                organisation=organisation,
                office=offices[i % len(offices)],
                started_on=today - timedelta(days=200 + 9 * i),
                left_on=left,
            )
        )
    Employment.objects.bulk_create(employments)
    employment_summaries_fill(employments=Employment.objects.filter(organisation=organisation))
    stdout.write(f"{len(employments)} demo employments at {organisation.name}.")
