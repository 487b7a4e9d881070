from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "portal.applications"
    label = "applications"
    verbose_name = "Card applications"

    def ready(self):
        from portal.applications import receivers  # noqa: F401  (connects the receivers)
        from portal.applications.services import (
            application_document_failure_reason,
            application_document_read,
            application_document_read_failed,
        )
        from portal.core.background import background_handler_register

        # Reading a document in-process with ECS_RUN_JOBS_INLINE: a failure is final, as after Prefect's last retry.
        background_handler_register(
            "read_document",
            run=lambda ref: application_document_read(document_id=int(ref)),
            fail=lambda ref, exc: application_document_read_failed(
                document_id=int(ref), reason=application_document_failure_reason(exc)
            ),
        )
