from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import LICENCE_TEAMS
from portal.licensing import services
from workflows.common.flows import JibCasework
from workflows.common.nodes import Job, Switch
from workflows.licence import jobs, views
from workflows.licence.models import LicenceProcess

VERIFY = "workflow_licence.verify_licence"
CASE_SUMMARY = "{{ process.application.reference }} {{ process.application.organisation_name }}"
SET_UP = "workflow_licence.set_up_offices"


class LicenceFlow(JibCasework, flow.Flow):
    """Licence application: automated checks, JIB verification (with a more-information loop), office set-up."""

    jib_teams = LICENCE_TEAMS

    process_class = LicenceProcess
    process_title = "Licence application"
    process_summary_template = CASE_SUMMARY

    start = flow.StartHandle(this.start_process).Next(this.checks)
    checks = Job(jobs.run_checks).Annotation(title="Automated checks").OnError(this.check_manually).Next(this.verify)
    check_manually = (
        flow.View(views.CheckManuallyView.as_view())
        .Annotation(title="Check manually", summary_template=CASE_SUMMARY)
        .Permission(VERIFY)
        .Next(this.verify)
    )
    verify = (
        flow.View(views.VerifyView.as_view())
        .Annotation(title="JIB verification", summary_template=CASE_SUMMARY)
        .Permission(VERIFY)
        .Next(this.route)
    )
    route = (
        Switch()
        .Case(this.set_up_offices, lambda activation: activation.process.is_approved(), label="approved")
        .Case(
            this.await_information,
            lambda activation: activation.process.awaits_information(),
            label="more information requested",
        )
        .Default(this.rejected)
    )
    await_information = (
        flow.Handle(this.receive_information).Annotation(title="Applicant sends information").Next(this.verify)
    )
    set_up_offices = (
        flow.View(views.OfficeSetupView.as_view())
        .Annotation(title="Office structure set-up", summary_template=CASE_SUMMARY)
        .Permission(SET_UP)
        .Next(this.grant)
    )
    grant = flow.Function(this.grant_licence).Annotation(title="Licence granted").Next(this.granted)
    granted = flow.End()
    rejected = flow.End()

    def receive_information(self, activation):
        """Run when the applicant answers (workflows.licence.receivers)."""

    def grant_licence(self, activation):
        services.licence_grant(application=activation.process.application)
