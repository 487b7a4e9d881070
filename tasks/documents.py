"""Reading step 2's documents: OCR and the awarding-body check, as a background task with retries."""

from datetime import timedelta

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import django_work, setup_django
from tasks.jobs import RETRY_DELAYS

RUN_NAME = "read-document-{document_id}"


def _document_id(task_run) -> int:
    # Prefect hooks get the task run without its parameters: the run's name carries the document's id.
    return int(task_run.name.rsplit("-", 1)[1])


def _report_failure(task, task_run, state) -> None:
    """After the last retry: the document goes to the JIB for manual checking, with the reason."""
    with django_work():
        from portal.applications.services import application_document_failure_reason, application_document_read_failed

        exc = state.result(raise_on_failure=False)
        application_document_read_failed(
            document_id=_document_id(task_run),
            reason=application_document_failure_reason(exc if isinstance(exc, BaseException) else None),
        )


@task(
    name="read-document",
    task_run_name=RUN_NAME,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    cache_policy=NO_CACHE,
    on_failure=[_report_failure],
)
def read_document(document_id: int) -> bool:
    with django_work():
        from portal.applications.services import application_document_read

        return application_document_read(document_id=document_id)


@flow(name="sweep-stalled-documents")
def sweep_stalled_documents(minutes: int = 10) -> int:
    """Hand over again every document still being read after `minutes` with no outcome (a worker died)."""
    setup_django()
    from portal.applications.services import application_documents_resubmit_stalled

    return application_documents_resubmit_stalled(older_than=timedelta(minutes=minutes))
