from django.apps import AppConfig

from workflows.common.permissions import grant_after_migrate

# Which JIB teams may work which tasks of the assessment-booking process.
TEAM_PERMISSIONS = {
    "invigilation": ["review_assessment_sitting"],
    "team_leader": ["review_assessment_sitting"],
}


class AssessmentBookingWorkflowConfig(AppConfig):
    name = "workflows.assessment_booking"
    label = "workflow_assessment_booking"

    def ready(self):
        grant_after_migrate(self, TEAM_PERMISSIONS)
        from workflows.assessment_booking import receivers  # noqa: F401  (the process listens to the domain)
