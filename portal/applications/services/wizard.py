"""The employer's part of a card application: start, steps 1, 3 and 4, unfinalise and withdraw."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import selectors, signals
from portal.applications.models import ApplicationEvent, CardApplication
from portal.applications.services.events import (
    ApplicationError,
    card_application_lock,
    card_application_record_event,
)
from portal.employees.models import Employment
from portal.orders.models import ApplicationType
from portal.registry.models import Card, CardType, Grade, Occupation

Status = CardApplication.Status


def _new_references(count: int) -> list[str]:
    """`count` unused 7-digit application references (one query per round; collisions are rare)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {f"{secrets.randbelow(9_000_000) + 1_000_000}" for _ in range(count - len(chosen))} - chosen
        taken = set(CardApplication.objects.filter(reference__in=candidates).values_list("reference", flat=True))
        chosen |= candidates - taken
    return list(chosen)


@dataclass(frozen=True)
class StartItem:
    employment: Employment
    card_type: CardType
    application_type: str
    renews_card: Card | None = None


def _start_many(*, actor: User, items: list[StartItem]) -> list[CardApplication]:
    """Create the applications (batched inserts) and announce each start. Call inside a transaction."""
    for item in items:
        if item.application_type == ApplicationType.RENEWAL and item.renews_card is None:
            raise ApplicationError("A renewal must name the card it renews.")
    references = _new_references(len(items))
    applications = CardApplication.objects.bulk_create(
        [
            CardApplication(
                reference=reference,
                organisation_id=item.employment.organisation_id,
                office_id=item.employment.office_id,
                employment=item.employment,
                operative_id=item.employment.operative_id,
                card_type=item.card_type,
                application_type=item.application_type,
                renews_card=item.renews_card,
                created_by=actor,
            )
            for reference, item in zip(references, items, strict=True)
        ]
    )
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application=application,
                actor=actor,
                to_status=application.status,
                what=f"Application started: {application.type_label}.",
            )
            for application in applications
        ]
    )
    for application in applications:
        signals.application_started.send(sender=CardApplication, application=application, actor=actor)
    return applications


def card_application_start(
    *, actor: User, employment: Employment, card_type: CardType, application_type: str, renews_card: Card | None = None
) -> CardApplication:
    """Create the application and announce it (its process waits for the employer, then for payment)."""
    with transaction.atomic():
        (application,) = _start_many(
            actor=actor,
            items=[StartItem(employment, card_type, application_type, renews_card)],
        )
    return application


def card_applications_start(*, actor: User, choices: list[tuple[Employment, str]]) -> list[CardApplication]:
    """Start one application per (employment, card type choice key from `card_types_available`), all or none.

    The employments are locked first, so two users starting for the same employee at once cannot both succeed;
    each choice is checked again against what the employee may apply for now."""
    if not choices:
        raise ApplicationError("Choose at least one employee and a card type for each.")
    if len({e.pk for e, _ in choices}) != len(choices):
        raise ApplicationError("Choose one card type per employee.")
    with transaction.atomic():
        locked = {
            e.pk: e
            for e in Employment.objects.select_for_update()
            .select_related("operative")
            .filter(pk__in=[e.pk for e, _ in choices])
        }
        available = selectors.card_types_available(employments=list(locked.values()))
        items = []
        for employment, key in choices:
            current = locked.get(employment.pk)
            if current is None or current.left_on is not None:
                raise ApplicationError(f"{employment.operative.full_name} is no longer one of your employees.")
            availability = available[current.pk]
            choice = availability.choice(key)
            if choice is None:
                raise ApplicationError(
                    f"{current.operative.full_name}: {availability.reason or 'that card type is not available.'}"
                )
            items.append(StartItem(current, choice.card_type, choice.application_type, choice.renews_card))
        return _start_many(actor=actor, items=items)


def _editable(application: CardApplication) -> CardApplication:
    """The application, locked, if it may still be changed by the employer."""
    application = card_application_lock(application)
    if application.status != Status.IN_PROGRESS:
        raise ApplicationError(
            f"Application {application.reference} is {application.get_status_display().lower()}: "
            "it can no longer be changed."
        )
    return application


def card_application_save_applicant(
    *, application: CardApplication, actor: User, business_phone: str, business_email: str, photo=None
) -> CardApplication:
    """Step 1: the contact details, and the photo when a new one (already checked against the guidance) is given.
    The application moves on to step 2."""
    with transaction.atomic():
        application = _editable(application)
        application.business_phone = business_phone
        application.business_email = business_email
        fields = ["business_phone", "business_email", "step", "updated_at"]
        if photo is not None:
            old = application.photo.name if application.photo else ""
            application.photo.save("photo", photo, save=False)
            application.photo_problems = []
            fields += ["photo", "photo_problems"]
            if old:
                storage = application.photo.storage
                transaction.on_commit(lambda: storage.delete(old))
        application.step = max(application.step, 2)
        application.save(update_fields=fields)
        said = "Applicant's business contact details saved"
        card_application_record_event(
            application, actor=actor, what=f"{said}; photo uploaded." if photo is not None else f"{said}."
        )
    return application


def card_application_save_occupations(
    *,
    application: CardApplication,
    actor: User,
    main_occupation: Occupation,
    grade: Grade | None,
    additional_occupations: list[Occupation],
    registered_electrician: bool,
    qualified_supervisor: bool,
) -> CardApplication:
    """Step 3: the occupations and grading, checked against what the documents allow. Moves on to step 4."""
    with transaction.atomic():
        application = _editable(application)
        problems = selectors.occupations_problems(
            options=selectors.occupation_options(application=application),
            main_occupation=main_occupation,
            grade=grade,
            additional=additional_occupations,
            registered_electrician=registered_electrician,
            qualified_supervisor=qualified_supervisor,
        )
        if problems:
            raise ApplicationError(" ".join(problems.values()))
        application.main_occupation = main_occupation
        application.grade = grade
        application.registered_electrician = registered_electrician
        application.qualified_supervisor = qualified_supervisor
        application.step = max(application.step, 4)
        application.save(
            update_fields=[
                "main_occupation", "grade", "registered_electrician", "qualified_supervisor", "step", "updated_at",
            ]
        )  # fmt: skip
        application.additional_occupations.set(additional_occupations)
        chosen = f"{main_occupation}{f' ({grade})' if grade else ''}"
        extra = ", ".join(str(o) for o in additional_occupations)
        card_application_record_event(
            application,
            actor=actor,
            what=f"Occupations saved: {chosen}{f'; additional: {extra}' if extra else ''}.",
        )
    return application


def card_application_finalise(*, application: CardApplication, actor: User, declaration: bool) -> CardApplication:
    """Step 4: FINALISE NOW. The row is locked, so of two users finalising at once one wins and the other is told
    who finalised it and when."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status == Status.FINALISED and application.finalised_at is not None:
            who = User.objects.get(pk=application.finalised_by_id).get_full_name()
            when = timezone.localtime(application.finalised_at)
            raise ApplicationError(
                f"{who} finalised application {application.reference} on {when:%d/%m/%Y} at {when:%H:%M}."
            )
        if application.status != Status.IN_PROGRESS:
            raise ApplicationError(
                f"Application {application.reference} is {application.get_status_display().lower()}: "
                "it cannot be finalised."
            )
        if not declaration:
            raise ApplicationError(
                "Tick the declaration to confirm you agree with the terms and conditions.", field="declaration"
            )
        problems = selectors.card_application_problems(application=application)
        if any(problems.values()):
            raise ApplicationError("The application is not complete: " + " ".join(sum(problems.values(), [])))
        application.finalised_at = timezone.now()
        application.finalised_by = actor
        application.step = 4
        application.save(update_fields=["finalised_at", "finalised_by", "step", "updated_at"])
        card_application_record_event(application, actor=actor, what="Finalised.", to_status=Status.FINALISED)
    return application


def card_application_unfinalise(*, application: CardApplication, actor: User) -> CardApplication:
    """Back to in progress, to change it: only while finalised (never once it is in an order)."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status == Status.ORDERED:
            raise ApplicationError(
                f"Application {application.reference} is in an order: remove it from the order first."
            )
        if application.status != Status.FINALISED:
            raise ApplicationError(f"Application {application.reference} is not finalised.")
        application.finalised_at = None
        application.finalised_by = None
        application.save(update_fields=["finalised_at", "finalised_by", "updated_at"])
        card_application_record_event(application, actor=actor, what="Unfinalised.", to_status=Status.IN_PROGRESS)
    return application


def card_application_withdraw(*, application: CardApplication, actor: User) -> CardApplication:
    """The employer withdraws an application not yet ordered; the withdrawal is announced (its process ends)."""
    with transaction.atomic():
        application = card_application_lock(application)
        if not application.can_be_withdrawn:
            raise ApplicationError(
                f"Application {application.reference} is {application.get_status_display().lower()}: "
                "only an application not yet ordered can be withdrawn."
            )
        card_application_record_event(
            application, actor=actor, what="Withdrawn by the employer.", to_status=Status.WITHDRAWN
        )
        signals.application_withdrawn.send(sender=CardApplication, application=application, actor=actor)
    return application
