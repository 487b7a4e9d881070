"""The delegate's remote session (not a portal user: their single-use link opens it in one browser).

Stage 1 (verify, confirm) are pages; stage 2 is one page whose script (static/js/assessment-session.js) calls the
small JSON endpoints below; stage 3 is the result page. Every rule is in portal.assessments.sitting_services;
these views find the browser's sitting, validate the input, call a service and answer in JSON (errors as
`{"error": message, "code": ..., "field": ...}` with a 4xx status).
"""

import json
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.assessments import sitting_services as services
from portal.assessments.models import Booking, Question, Sitting
from portal.assessments.selectors import token_hash
from portal.assessments.sitting_services import SittingError
from portal.core.forms import GovukForm
from portal.core.middleware import permissions_policy

SESSION_KEY = "assessment_sitting"
CLAIM_HEADER = "HTTP_X_SITTING_CLAIM"
ERROR_STATUS = {"superseded": 409, "closed": 409, "not_started": 409, "not_ready": 400, "bad_input": 400}


def _sitting_of(request) -> Sitting | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Sitting.objects.select_related("booking__assessment_type", "booking__operative").filter(pk=pk).first()


def delegate_view(view):
    """A page of the sitting this browser opened (its link, kept in the browser's session); none: the page says
    how to open one."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        sitting = _sitting_of(request)
        if sitting is None:
            if request.headers.get("Accept") == "application/json":
                return _error("No assessment is open in this browser. Open the link you were sent.", "closed", 403)
            return render(request, "assessments/session/no_sitting.html", status=403)
        return view(request, sitting, *args, **kwargs)

    return wrapped


def _error(message: str, code: str = "refused", status: int = 400, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "code": code, "field": field}, status=status)


def _refused(exc: SittingError) -> JsonResponse:
    return _error(str(exc), exc.code, ERROR_STATUS.get(exc.code, 400), exc.field)


def _stage_url(sitting: Sitting) -> str:
    if sitting.is_submitted:
        return reverse("assessment_session:done")
    if sitting.is_started:
        return reverse("assessment_session:assessment")
    if sitting.webcam_photo and sitting.id_photo:
        return reverse("assessment_session:confirm")
    return reverse("assessment_session:verify")


# The link


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token: str):
    """The link from the email or SMS: a page with one button (a mail scanner following the link uses nothing);
    the button uses the link up and opens the sitting in this browser."""
    booking = (
        Booking.objects.select_related("assessment_type", "operative")
        .filter(invite_token_hash=token_hash(token))
        .first()
    )
    mine = _sitting_of(request)
    if booking is not None and mine is not None and mine.booking_id == booking.pk:
        return redirect(_stage_url(mine))
    if request.method == "POST":
        try:
            sitting = services.sitting_open(token=token)
        except SittingError as exc:
            status = 404 if exc.code == "invalid_link" else 410
            return render(request, "assessments/session/link_refused.html", {"message": str(exc)}, status=status)
        request.session.cycle_key()
        request.session[SESSION_KEY] = sitting.pk
        return redirect(_stage_url(sitting))
    if booking is None:
        message = "This link is not valid. Use the latest link you were sent."
        return render(request, "assessments/session/link_refused.html", {"message": message}, status=404)
    return render(request, "assessments/session/open.html", {"booking": booking})


@delegate_view
def resume(request, sitting):
    """Where the sitting is now (a bookmark, a reload after a lost connection)."""
    return redirect(_stage_url(sitting))


# Stage 1: verification


class IdDocumentForm(GovukForm):
    id_document = forms.ChoiceField(
        label="Which photo ID are you showing?",
        choices=Sitting.IdDocument.choices,
        widget=forms.RadioSelect,
    )


@delegate_view
@permissions_policy(camera="self")
def verify(request, sitting):
    if sitting.is_started:
        return redirect(_stage_url(sitting))
    return render(
        request,
        "assessments/session/verify.html",
        {
            "sitting": sitting,
            "booking": sitting.booking,
            "id_form": IdDocumentForm(initial={"id_document": sitting.id_document or None}),
            "problem": request.session.pop("assessment_photo_problem", ""),
        },
    )


@delegate_view
@require_POST
def photo(request, sitting, kind: str):
    """A photograph from the camera (the page's script) or uploaded (the fallback form)."""
    wants_json = request.headers.get("Accept") == "application/json"
    upload = request.FILES.get("photo")
    try:
        hint = services.sitting_photo_save(
            sitting=sitting,
            kind=kind,
            data=upload.read() if upload else b"",
            id_document=request.POST.get("id_document", ""),
        )
    except SittingError as exc:
        if wants_json:
            return _refused(exc)
        request.session["assessment_photo_problem"] = str(exc)
        return redirect("assessment_session:verify")
    if wants_json:
        return JsonResponse({"hint": hint})
    return redirect("assessment_session:verify")


@delegate_view
def verification_photo(request, sitting, kind: str):
    """The delegate's own photograph, shown back to them on the verification page."""
    field = {"webcam": sitting.webcam_photo, "id": sitting.id_photo}.get(kind)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), content_type="image/jpeg" if field.name.endswith(".jpg") else "image/png")


class ConfirmForm(GovukForm):
    details = forms.BooleanField(label="My name and date of birth above are correct", required=False)
    terms = forms.BooleanField(
        label="I will take the assessment alone, without notes, phone or help, and stay on this page until I submit",
        required=False,
    )


@delegate_view
def confirm(request, sitting):
    """Confirm the details and the rules; Start starts the timer."""
    if sitting.is_started or not (sitting.webcam_photo and sitting.id_photo):
        return redirect(_stage_url(sitting))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sitting_start(
                sitting=sitting,
                details_confirmed=form.cleaned_data["details"],
                terms_accepted=form.cleaned_data["terms"],
            )
        except SittingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("assessment_session:assessment")
    kind = sitting.booking.assessment_type
    bank = Question.objects.filter(assessment_type=kind, is_active=True).count()
    return render(
        request,
        "assessments/session/confirm.html",
        {
            "sitting": sitting,
            "booking": sitting.booking,
            "operative": sitting.booking.operative,
            "kind": kind,
            "questions": min(kind.question_count, bank),
            "form": form,
        },
    )


# Stage 2: the assessment


@delegate_view
def assessment(request, sitting):
    if not sitting.is_started or sitting.is_submitted:
        return redirect(_stage_url(sitting))
    return render(request, "assessments/session/assessment.html", {"sitting": sitting, "booking": sitting.booking})


def sitting_state(sitting: Sitting, claim: str | None = None) -> dict:
    """What the page shows: time left, the question or the review list, the prompt to click, when to ask next."""
    if sitting.is_submitted:
        return {"closed": True, "done": reverse("assessment_session:done")}
    now = timezone.now()
    remaining = max(0, int((sitting.deadline - now).total_seconds()))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=sitting.paper)}
    total = len(sitting.paper)
    state = {
        "stage": "review" if sitting.current_position > total else "question",
        "remaining": remaining,
        "total": total,
        "answered": sum(1 for pk in sitting.paper if str(pk) in sitting.answers),
        "question": None,
        "review": None,
        "prompt": None,
    }
    if claim:
        state["claim"] = claim
    if state["stage"] == "question":
        position = max(1, sitting.current_position)
        question = questions[sitting.paper[position - 1]]
        state["question"] = {
            "position": position,
            "text": question.text,
            "choices": [{"key": key, "text": text} for key, text in question.choices],
            "chosen": sitting.answers.get(str(question.pk)),
        }
    else:
        state["review"] = [
            {
                "position": n,
                "text": questions[pk].text,
                "chosen_text": dict(questions[pk].choices).get(sitting.answers.get(str(pk)), None),
            }
            for n, pk in enumerate(sitting.paper, start=1)
        ]
    upcoming = []
    for prompt in sitting.prompts:
        if prompt["answered_at"]:
            continue
        at, due = services._at(prompt["at"]), services._at(prompt["due"])
        if at <= now < due:
            state["prompt"] = {
                "id": prompt["id"],
                "seconds": max(1, int((due - now).total_seconds())),
                "x": prompt["x"],
                "y": prompt["y"],
            }
        elif at > now:
            upcoming.append((at - now).total_seconds())
    state["next_check"] = min([services.CHECK_EVERY_SECONDS, remaining + 1, *upcoming])
    return state


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _move(call):
    """A JSON endpoint of stage 2: the tab's claim from the header, the body as JSON, the state back."""

    @delegate_view
    @require_POST
    @wraps(call)
    def endpoint(request, sitting):
        claim = request.headers.get("X-Sitting-Claim", "")
        try:
            sitting = call(sitting=sitting, claim=claim, data=_json_body(request))
        except SittingError as exc:
            return _refused(exc)
        return JsonResponse(sitting_state(sitting))

    return endpoint


@delegate_view
@require_POST
def claim(request, sitting):
    """A page load takes over the sitting: the claim its script sends with every move."""
    if not sitting.is_started:
        return _error("The assessment has not started.", "not_started", 409)
    sitting, token = services.sitting_claim(sitting=sitting)
    return JsonResponse(sitting_state(sitting, token))


state = _move(lambda *, sitting, claim, data: services.sitting_touch(sitting=sitting, claim=claim))
answer = _move(
    lambda *, sitting, claim, data: services.sitting_answer(
        sitting=sitting, claim=claim, position=data.get("position"), choice=str(data.get("choice", ""))
    )
)
move = _move(
    lambda *, sitting, claim, data: services.sitting_move(sitting=sitting, claim=claim, position=data.get("position"))
)
review = _move(lambda *, sitting, claim, data: services.sitting_review(sitting=sitting, claim=claim))
prompt = _move(
    lambda *, sitting, claim, data: services.sitting_prompt_answer(
        sitting=sitting, claim=claim, prompt_id=str(data.get("prompt", ""))
    )
)
focus = _move(
    lambda *, sitting, claim, data: services.sitting_focus_lost(
        sitting=sitting, claim=claim, what=str(data.get("what", ""))
    )
)
submit = _move(lambda *, sitting, claim, data: services.sitting_submit(sitting=sitting, claim=claim))


# Stage 3: the result


@delegate_view
def done(request, sitting):
    if not sitting.is_submitted:
        return redirect(_stage_url(sitting))
    return render(
        request,
        "assessments/session/done.html",
        {"sitting": sitting, "booking": sitting.booking, "answered": len(sitting.answers)},
    )
