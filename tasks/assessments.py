"""The assessment bookings' sweep (a scheduled flow): sittings whose page is gone are closed (time run out,
prompt missed), delegates who have not opened their link for 7 days are reminded, links past 30 days expire."""

from prefect import flow

from tasks import setup_django


@flow(name="sweep-assessment-bookings")
def sweep_assessment_bookings() -> dict[str, int]:
    setup_django()
    from portal.assessments.sitting_services import bookings_remind_and_expire, sittings_close_overdue

    return {"closed": sittings_close_overdue(), **bookings_remind_and_expire()}
