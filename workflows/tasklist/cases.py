"""What a work list shows of each task's case (its reference, the applicant, the organisation), read in one query
per process for a whole page, and what a search by those words looks in.

Each process says here what its case is: its artifact model, what to read with it, the three values a list shows,
and the words a search finds it by (`CaseTerms`, stored on the task's `OpenTask` row when the task opens, so that a
search reads one small indexed table). A process not listed shows its title and case number and is found by none.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Q

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


# Between two values of `CaseTerms.names`: a search for a part of one name never matches across two.
SEPARATOR = "\x1f"


@dataclass(frozen=True)
class CaseTerms:
    """What a search finds a case by (stored upper-cased on OpenTask), and the day it becomes urgent, if it does.

    A search term finds the case when it is `reference` or `other_reference` exactly, a part of one of `names`, the
    beginning of `surname`, or (two words or more) `forename` exactly and the beginning of `surname` from its last
    word; each compared without regard to case."""

    reference: str = ""
    other_reference: str = ""
    names: tuple[str, ...] = ()
    forename: str = ""
    surname: str = ""
    urgent_from: date | None = None

    def stored(self) -> dict:
        """The OpenTask columns."""
        return {
            "reference": self.reference.upper()[:100],
            "other_reference": self.other_reference.upper()[:100],
            "names": SEPARATOR.join(name.upper() for name in self.names if name),
            "forename": self.forename.upper()[:100],
            "surname": self.surname.upper()[:100],
            "urgent_from": self.urgent_from,
        }


@dataclass(frozen=True)
class CaseSource:
    model: type[Model]
    related: tuple[str, ...]
    describe: Callable[[Model], CaseRow]
    terms: Callable[[Model], CaseTerms]

    def fetch(self, ids) -> dict[int, Model]:
        return self.model.objects.select_related(*self.related).in_bulk(ids)


def _card(application: CardApplication) -> CaseRow:
    return CaseRow(
        reference=application.reference,
        applicant=application.operative.full_name,
        organisation=application.organisation.name,
        detail=f"{application.card_type} – {application.get_application_type_display()}",
    )


def _card_terms(application: CardApplication) -> CaseTerms:
    """By its reference, the organisation's name in part, the applicant's surname from its beginning (or first name
    and surname). A renewal is urgent from 4 weeks before the card it renews expires, while the JIB has the case."""
    from workflows.tasklist.models import RENEWAL_URGENT_WITHIN

    card = application.renews_card
    in_jib_hands = application.status in CardApplication.JIB_STAGES
    return CaseTerms(
        reference=application.reference,
        names=(application.organisation.name,),
        forename=application.operative.first_name,
        surname=application.operative.last_name,
        urgent_from=card.expires_on - RENEWAL_URGENT_WITHIN if card is not None and in_jib_hands else None,
    )


def _licence(application: LicenceApplication) -> CaseRow:
    return CaseRow(
        reference=application.reference,
        applicant=application.signatory_name,
        organisation=application.organisation_name,
        detail="Employer Portal licence",
    )


def _licence_terms(application: LicenceApplication) -> CaseTerms:
    """By its reference, the organisation's or the signatory's name in part."""
    return CaseTerms(reference=application.reference, names=(application.organisation_name, application.signatory_name))


def _transfer(transfer: BankTransfer) -> CaseRow:
    order = transfer.order
    return CaseRow(
        reference=transfer.reference_found or (order.reference if order else "No reference"),
        applicant=transfer.description,
        organisation=order.organisation.name if order else "Not matched yet",
        detail=f"£{transfer.amount_pence / 100:,.2f} received {transfer.posted_on:%-d %b %Y}",
    )


def _transfer_terms(transfer: BankTransfer) -> CaseTerms:
    """By the reference found in it or its order's, its description or the order's organisation in part."""
    order = transfer.order
    return CaseTerms(
        reference=transfer.reference_found or "",
        other_reference=order.reference if order else "",
        names=(transfer.description, order.organisation.name if order else ""),
    )


SOURCES: dict[type, CaseSource] = {
    CardApplicationFlow: CaseSource(
        CardApplication, ("operative", "organisation", "card_type", "renews_card"), _card, _card_terms
    ),
    LicenceFlow: CaseSource(LicenceApplication, (), _licence, _licence_terms),
    BacsAllocationFlow: CaseSource(BankTransfer, ("order__organisation",), _transfer, _transfer_terms),
}


def search_q(term: str) -> Q:
    """OpenTask rows whose case matches `term` (see CaseTerms): each part an index scan on PostgreSQL (btree for
    the references, trigram for names in part, a pattern btree for a surname's beginning)."""
    term = term.strip().upper()
    if not term:
        return Q()
    words = term.split()
    q = Q(reference=term) | Q(other_reference=term) | Q(names__contains=term) | Q(surname__startswith=term)
    if len(words) >= 2:
        q |= Q(forename=words[0], surname__startswith=words[-1])
    return q


def _cases_of(tasks) -> dict:
    """Each task's case (task pk -> the process's artifact, or None): one query per kind of process among the tasks,
    whose `process` is read already."""
    wanted: dict[type, set[int]] = {}
    for task in tasks:
        flow_class = task.process.flow_class
        if flow_class in SOURCES and task.process.artifact_object_id is not None:
            wanted.setdefault(flow_class, set()).add(task.process.artifact_object_id)
    found = {flow_class: SOURCES[flow_class].fetch(ids) for flow_class, ids in wanted.items()}
    return {task.pk: found.get(task.process.flow_class, {}).get(task.process.artifact_object_id) for task in tasks}


def terms_of(tasks) -> dict[int, CaseTerms]:
    """Each task's CaseTerms (task pk -> terms; none for a process without a case source)."""
    cases = _cases_of(tasks)
    return {
        task.pk: SOURCES[task.process.flow_class].terms(cases[task.pk]) if cases[task.pk] is not None else CaseTerms()
        for task in tasks
    }


def describe(tasks) -> dict[int, CaseRow]:
    """Each task's case as a list shows it (task pk -> CaseRow): one query per kind of process on the page."""
    cases = _cases_of(tasks)
    rows = {}
    for task in tasks:
        process, artifact = task.process, cases[task.pk]
        if artifact is not None:
            rows[task.pk] = SOURCES[process.flow_class].describe(artifact)
            if process.flow_class is CardApplicationFlow:
                process.__dict__["application"] = artifact  # read once for the page (CardApplicationProcess)
        else:
            title = process.flow_class.process_title if process.flow_class else "Case"
            rows[task.pk] = CaseRow(reference=f"{title} {process.pk}", applicant="", organisation="")
    return rows
