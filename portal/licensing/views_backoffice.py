"""The JIB licensing team's pages for granted licences: which parts each includes, and changing them (recorded)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from portal.accounts.access import LICENCE_TEAMS, require_jib_team
from portal.core.forms import GovukForm
from portal.licensing import services
from portal.licensing.models import AssessmentType, Licence


class LicencePartsForm(GovukForm):
    employer_portal = forms.BooleanField(label="ECS Employer Portal", required=False)
    ecs_check = forms.BooleanField(label="ECS Check - Client and Supply Chain", required=False)
    assessments = forms.BooleanField(
        label="ECS Assessments - Remote Invigilation", required=False,
        help_text="Includes the HS&E Assessment; tick the other assessment types below.",
    )  # fmt: skip
    assessment_types = forms.MultipleChoiceField(
        label="Assessment types besides HS&E", choices=AssessmentType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(label="Why the licence is changed", widget=forms.Textarea(attrs={"rows": 3}))


def licence_list(request):
    require_jib_team(request.user, *LICENCE_TEAMS)
    search = request.GET.get("q", "").strip()
    licences = Licence.objects.select_related("organisation").order_by("organisation__name", "pk")
    if search:
        licences = licences.filter(Q(organisation__name__icontains=search))
    page = Paginator(licences, 50).get_page(request.GET.get("page"))
    return render(request, "licensing/licences.html", {"page": page, "search": search,
                                                        "query": f"q={search}" if search else ""})  # fmt: skip


def licence_edit(request, pk: int):
    require_jib_team(request.user, *LICENCE_TEAMS)
    licence = get_object_or_404(Licence.objects.select_related("organisation"), pk=pk)
    form = LicencePartsForm(
        request.POST or None,
        initial={"employer_portal": licence.employer_portal, "ecs_check": licence.ecs_check,
                 "assessments": licence.assessments, "assessment_types": licence.assessment_types},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_parts_change(licence=licence, actor=request.user, **form.cleaned_data)
        except services.LicensingError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"The licence of {licence.organisation.name} is changed.")
            return redirect("licences:edit", pk=licence.pk)
    return render(
        request,
        "licensing/licence_edit.html",
        {"licence": licence, "form": form, "events": licence.events.select_related("actor")},
    )
