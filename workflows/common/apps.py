from django.apps import AppConfig


class CommonWorkflowConfig(AppConfig):
    name = "workflows.common"
    label = "workflow_common"

    def ready(self):
        from portal.core.background import background_handler_register
        from workflows.common.nodes import JOB_KIND
        from workflows.common.services import job_fail, job_run

        # Automated steps run in-process with ECS_RUN_JOBS_INLINE: a failure is final, as after Prefect's last retry.
        background_handler_register(
            JOB_KIND,
            run=lambda ref: job_run(ref=ref),
            fail=lambda ref, exc: job_fail(ref=ref, reason=str(exc)),
        )
