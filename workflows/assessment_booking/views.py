"""Task views of the assessment-booking process: show the booking and its sitting, validate, call a service, finish."""

from django import forms
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import NOT_SENT, jib_booking
from portal.applications.models import CardApplication
from portal.assessments import sitting_services
from portal.assessments.models import Sitting
from portal.assessments.sitting_services import SittingError
from workflows.common.services import job_failure_reason

# Events that weigh against the sitting, shown in red in the log.
WARNINGS = ("prompt_missed", "focus_lost", "paused", "second_tab", "timed_out")


def log_line(event) -> str:
    """One line of the sitting's event log as the invigilator reads it."""
    d, kind = event.detail or {}, event.kind
    if kind == "verified":
        what = "Webcam photograph" if d.get("photo") == "webcam" else "Photo ID"
        return f"{what} taken (face check: {d.get('hint') or 'none'})"
    if kind == "started":
        return f"Started: {d.get('questions')} questions, {d.get('minutes')} minutes"
    if kind == "answered":
        return f"Question {d.get('position')}: answer {'changed' if d.get('changed') else 'given'}"
    if kind == "prompt_shown":
        return f"Attention prompt {d.get('prompt')} shown"
    if kind == "prompt_answered":
        return f"Attention prompt {d.get('prompt')} clicked after {d.get('seconds')} seconds"
    if kind == "prompt_missed":
        return f"Attention prompt {d.get('prompt')} missed"
    if kind == "focus_lost":
        return f"Left the assessment window ({d.get('what') or 'reported by the page'})"
    if kind == "paused":
        return f"No contact for {d.get('seconds')} seconds (connection lost)"
    if kind == "resumed":
        return "Resumed: the page was opened again (a reload or another window)"
    if kind == "second_tab":
        return "A move from an older window was refused"
    if kind == "timed_out":
        return f"Time ran out with {d.get('answered')} of {d.get('questions')} questions answered"
    if kind == "submitted":
        if d.get("failed"):
            return f"Ended with {d.get('answered')} answers: {d.get('failed')}"
        return f"Submitted with {d.get('answered')} of {{total}} questions answered"
    if kind == "marked":
        return f"Marked: {d.get('score')} of {d.get('questions')} correct, {'pass' if d.get('passed') else 'fail'}"
    if kind == "reviewed":
        return f"Reviewed by {d.get('by')}: {d.get('outcome')}" + (f" ({d['reason']})" if d.get("reason") else "")
    return event.get_kind_display()


def _record_photo(booking):
    """The photograph on the delegate's ECS record: the one of their latest card application sent to the JIB."""
    return (
        CardApplication.objects.filter(operative_id=booking.operative_id)
        .exclude(status__in=NOT_SENT)
        .exclude(photo="")
        .order_by("-pk")
        .first()
    )


class CaseContextMixin(mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames):
    """The booking beside the task's form: the delegate, the three photographs side by side with their face hints,
    the marking, the sitting's event log and the booking's history."""

    template_name = "assessment_booking/backoffice/task.html"

    def dispatch(self, request, *args, **kwargs):
        self.booking = jib_booking(request.user, request.activation.process.artifact_object_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        process = self.request.activation.process
        booking = self.booking
        sitting = Sitting.objects.filter(booking=booking).first()
        flow = process.flow_class.instance
        failed = process.task_set.filter(flow_task_type="JOB", data___exception__isnull=False).order_by("-pk").first()
        latest_job = process.task_set.filter(flow_task_type="JOB").order_by("-pk").first()
        photos = []
        if sitting is not None:
            for which, label, field, hint in (
                ("webcam", "Webcam photograph", sitting.webcam_photo, sitting.webcam_face_hint),
                ("id", f"Photo ID ({sitting.get_id_document_display() or 'kind not said'})", sitting.id_photo,
                 sitting.id_face_hint),
            ):  # fmt: skip
                url = flow.reverse("photo", kwargs={"booking_pk": booking.pk, "which": which}) if field else ""
                photos.append({"label": label, "url": url, "hint": hint})
        record = _record_photo(booking)
        photos.append(
            {
                "label": "Photograph on the ECS record",
                "url": flow.reverse("photo", kwargs={"booking_pk": booking.pk, "which": "record"}) if record else "",
                "hint": {},
            }
        )
        return super().get_context_data(
            booking=booking,
            operative=booking.operative,
            sitting=sitting,
            photos=photos,
            sitting_log=[
                (e.at, log_line(e).replace("{total}", str(len(sitting.paper))), e.kind in WARNINGS)
                for e in sitting.events.all()
            ]
            if sitting
            else [],
            booking_events=booking.events.select_related("actor"),
            failure_reason=job_failure_reason(task=failed) if failed and failed == latest_job else "",
            **kwargs,
        )

    def finish(self, call, form):
        """Run the service; on a refusal show why beside the form, otherwise finish the task."""
        try:
            call()
        except SittingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            ("confirm", "Confirm: the delegate is the person on the ID and the record; the outcome stands"),
            ("void", "Void the sitting: no result is recorded"),
        ],
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to void: the employer sees it.",
    )


class ReviewView(CaseContextMixin, generic.FormView):
    """The invigilation team: the photographs side by side and the event log, then confirm or void."""

    form_class = ReviewForm

    def form_valid(self, form):
        return self.finish(
            lambda: sitting_services.sitting_review_decide(
                sitting=self.booking.sitting,
                actor=self.request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ),
            form,
        )


class RetryForm(forms.Form):
    pass


class RetryView(CaseContextMixin, generic.FormView):
    """An automated step that failed after its retries: the reason shown, and the step run again by a person."""

    form_class = RetryForm
    work = None  # the Job's work function: `(*, process, task) -> dict`

    def form_valid(self, form):
        def again():
            try:
                self.work(process=self.request.activation.process, task=self.request.activation.task)
            except SittingError:
                raise
            except Exception as exc:  # the outside service is still failing: say so, keep the task
                raise SittingError(f"It failed again: {exc}") from exc

        return self.finish(again, form)


def photo(request, booking_pk: int, which: str, **kwargs):
    """A sitting's photograph (webcam, ID) or the ECS record's, for the invigilation team only."""
    booking = jib_booking(request.user, booking_pk)
    if which == "record":
        application = _record_photo(booking)
        field = application.photo if application else None
    else:
        sitting = Sitting.objects.filter(booking=booking).first()
        field = {"webcam": sitting.webcam_photo, "id": sitting.id_photo}.get(which) if sitting else None
    if not field:
        raise Http404
    handle = field.open("rb")
    png = handle.read(4) == b"\x89PNG"
    handle.seek(0)
    return FileResponse(handle, content_type="image/png" if png else "image/jpeg")
