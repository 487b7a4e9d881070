"""What a work list shows of each task's case (its reference, the applicant, the organisation), read in one query
per process for a whole page, and how a search by those words finds the case.

Each process says here what its case is: its artifact model, what to read with it, the three values a list shows,
and the fields a search looks in. A process not listed shows its title and case number.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from portal.applications.models import CardApplication
from portal.licensing.models import LicenceApplication
from portal.orders.models import BankTransfer
from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow


@dataclass(frozen=True)
class CaseRow:
    reference: str
    applicant: str
    organisation: str
    detail: str = ""


@dataclass(frozen=True)
class CaseSource:
    model: type[Model]
    related: tuple[str, ...]
    describe: Callable[[Model], CaseRow]
    search: Callable[[str], Q]

    def fetch(self, ids) -> dict[int, Model]:
        return self.model.objects.select_related(*self.related).in_bulk(ids)

    def matching(self, term: str) -> QuerySet:
        return self.model.objects.filter(self.search(term)).values("pk")


def _card(application: CardApplication) -> CaseRow:
    return CaseRow(
        reference=application.reference,
        applicant=application.operative.full_name,
        organisation=application.organisation.name,
        detail=f"{application.card_type} – {application.get_application_type_display()}",
    )


def _card_search(term: str) -> Q:
    words = term.split()
    q = Q(reference__iexact=term) | Q(organisation__name__icontains=term)
    if len(words) >= 2:
        q |= Q(operative__first_name__iexact=words[0], operative__last_name__istartswith=words[-1])
    q |= Q(operative__last_name__istartswith=term)
    return q


def _licence(application: LicenceApplication) -> CaseRow:
    return CaseRow(
        reference=application.reference,
        applicant=application.signatory_name,
        organisation=application.organisation_name,
        detail="Employer Portal licence",
    )


def _licence_search(term: str) -> Q:
    return Q(reference__iexact=term) | Q(organisation_name__icontains=term) | Q(signatory_name__icontains=term)


def _transfer(transfer: BankTransfer) -> CaseRow:
    order = transfer.order
    return CaseRow(
        reference=transfer.reference_found or (order.reference if order else "No reference"),
        applicant=transfer.description,
        organisation=order.organisation.name if order else "Not matched yet",
        detail=f"£{transfer.amount_pence / 100:,.2f} received {transfer.posted_on:%-d %b %Y}",
    )


def _transfer_search(term: str) -> Q:
    return (
        Q(reference_found__iexact=term)
        | Q(description__icontains=term)
        | Q(order__reference__iexact=term)
        | Q(order__organisation__name__icontains=term)
    )


SOURCES: dict[type, CaseSource] = {
    CardApplicationFlow: CaseSource(CardApplication, ("operative", "organisation", "card_type"), _card, _card_search),
    LicenceFlow: CaseSource(LicenceApplication, (), _licence, _licence_search),
    BacsAllocationFlow: CaseSource(BankTransfer, ("order__organisation",), _transfer, _transfer_search),
}


def search_q(term: str) -> Q:
    """Tasks whose case matches `term` (a reference exactly; an applicant's or organisation's name in part)."""
    from viewflow.workflow.models import Process
    from viewflow.workflow.status import PROCESS

    q = Q(pk__in=[])
    for flow_class, source in SOURCES.items():
        # Open cases only: a work list holds open tasks (index tasklist_process_open_artifact).
        cases = Process.objects.filter(
            flow_class=flow_class, status=PROCESS.NEW, artifact_object_id__in=source.matching(term)
        )
        q |= Q(process_id__in=cases.values("pk"))
    return q


def describe(tasks) -> dict[int, CaseRow]:
    """Each task's case as a list shows it (task pk → CaseRow): one query per process on the page."""
    wanted: dict[type, set[int]] = {}
    for task in tasks:
        flow_class = task.process.flow_class
        if flow_class in SOURCES and task.process.artifact_object_id is not None:
            wanted.setdefault(flow_class, set()).add(task.process.artifact_object_id)
    found = {flow_class: SOURCES[flow_class].fetch(ids) for flow_class, ids in wanted.items()}
    rows = {}
    for task in tasks:
        process = task.process
        artifact = found.get(process.flow_class, {}).get(process.artifact_object_id)
        if artifact is not None:
            rows[task.pk] = SOURCES[process.flow_class].describe(artifact)
            if process.flow_class is CardApplicationFlow:
                process.__dict__["application"] = artifact  # read once for the page (CardApplicationProcess)
        else:
            title = process.flow_class.process_title if process.flow_class else "Case"
            rows[task.pk] = CaseRow(reference=f"{title} {process.pk}", applicant="", organisation="")
    return rows
