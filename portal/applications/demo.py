"""Demo card applications at Brightwire at different steps: just started, at step 3, at step 4, and finalised
awaiting ordering. Idempotent: nothing is added once Brightwire has applications."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from portal.applications import services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.selectors import card_types_available
from portal.employees.models import Employment
from portal.organisations.models import Organisation, PortalUser
from portal.registry.models import CardType, Occupation, QualificationType

# (how far, office) for each demo application; the North Region ones are visible to north.manager.
PLAN = [
    ("started", "Brightwire Head Office"),
    ("step3", "Manchester Office"),
    ("step4", "Brightwire Head Office"),
    ("finalised", "Brightwire Head Office"),
    ("finalised", "Leeds Office"),
    ("finalised", "Bristol Office"),
]
INSTALLATION = ("2357-13", "AM2", "2382-22")


def demo_photo() -> SimpleUploadedFile:
    """A passport-style picture: a light plain background and a face-sized oval in the middle."""
    w, h = 700, 900
    image = Image.new("RGB", (w, h), (236, 236, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((w * 0.2, h * 0.72, w * 0.8, h), fill=(40, 50, 90))
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.72), fill=(222, 170, 138))
    draw.ellipse((w * 0.28, h * 0.1, w * 0.72, h * 0.3), fill=(70, 45, 30))
    for x in (0.42, 0.58):
        draw.ellipse((w * x - 12, h * 0.4 - 8, w * x + 12, h * 0.4 + 8), fill=(40, 30, 30))
    draw.line((w * 0.44, h * 0.58, w * 0.56, h * 0.58), fill=(150, 60, 60), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def load(*, stdout) -> None:
    organisation = Organisation.objects.filter(name="Brightwire Electrical Ltd").first()
    if organisation is None or CardApplication.objects.filter(organisation=organisation).exists():
        return
    primary = PortalUser.objects.filter(organisation=organisation, is_primary_user=True).select_related("user").first()
    if primary is None:
        return
    actor = primary.user
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    installation = Occupation.objects.get(card_type=craft, name="Installation Electrician")
    qualifications = {q.code: q for q in QualificationType.objects.filter(code__in=INSTALLATION)}
    employments = list(
        Employment.objects.filter(organisation=organisation, left_on__isnull=True)
        .select_related("operative", "office")
        .order_by("pk")
    )
    available = card_types_available(employments=employments)
    chosen, used = [], set()
    for step, office_name in PLAN:
        employment = next(
            e for e in employments
            if e.pk not in used and e.office.name == office_name and available[e.pk].choice(f"initial:{craft.pk}")
        )  # fmt: skip
        used.add(employment.pk)
        chosen.append((step, employment))
    applications = services.card_applications_start(
        actor=actor, choices=[(e, f"initial:{craft.pk}") for _, e in chosen]
    )
    for (step, employment), application in zip(chosen, applications, strict=True):
        if step == "started":
            continue
        name = employment.operative.first_name.lower()
        services.card_application_save_applicant(
            application=application,
            actor=actor,
            business_phone="+441614960" + f"{application.pk % 1000:03d}",
            business_email=f"{name}.{employment.operative.last_name.lower()}@brightwire.example",
            photo=demo_photo(),
        )
        # Step 2 as the employer leaves it: certificates verified with the awarding bodies, and the HS&E route.
        for code in INSTALLATION:
            ApplicationDocument.objects.create(
                application=application,
                kind=ApplicationDocument.Kind.CERTIFICATE,
                entry=ApplicationDocument.Entry.MANUAL,
                status=ApplicationDocument.Status.VERIFIED,
                awarding_body=qualifications[code].awarding_body,
                qualification_type=qualifications[code],
                certificate_number=f"D{application.reference}{code.replace('/', '').replace('-', '')}"[:40],
                awarded_on=date(2019, 7, 1),
                uploaded_by=actor,
            )
        application.refresh_from_db()
        result = next((r for r in application.operative.hse_results.all() if r.is_valid_on(date.today())), None)
        if result is not None:
            application.hse_route, application.hse_result = CardApplication.HseRoute.VALID_RESULT, result
        else:
            application.hse_route = CardApplication.HseRoute.WILL_SIT
            application.hse_sitting = CardApplication.HseSitting.REMOTE
        application.step = max(application.step, 3)
        application.save(update_fields=["hse_route", "hse_result", "hse_sitting", "step", "updated_at"])
        if step == "step3":
            continue
        services.card_application_save_occupations(
            application=application,
            actor=actor,
            main_occupation=installation,
            grade=installation.grades.get(name="Electrician"),
            additional_occupations=[],
            registered_electrician=False,
            qualified_supervisor=False,
        )
        if step == "finalised":
            services.card_application_finalise(application=application, actor=actor, declaration=True)
    stdout.write(f"{len(applications)} demo card applications at {organisation.name}.")
