"""A portal user's notification preferences and the messages sent to them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from portal.notifications import selectors, services
from portal.notifications.forms import PreferencesForm
from portal.notifications.models import ESSENTIAL, WITH_SMS, Kind
from portal.organisations.access import portal_user_of

PAGE_SIZE = 25


def preferences(request):
    portal_user = portal_user_of(request)
    user = portal_user.user
    current = selectors.preferences_of(user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.notification_preferences_set(user=user, receive=set(form.cleaned_data["receive"]))
            except services.NotificationError as exc:
                form.add_error(exc.field, str(exc))
            else:
                messages.success(request, "Your notification preferences are saved.")
                return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial={"receive": [kind for kind, on in current.items() if on]})
    essential = [(Kind(kind).label, kind in WITH_SMS) for kind in ESSENTIAL]
    notifications = Paginator(selectors.notifications_of(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "essential": essential, "page": notifications, "has_mobile": bool(user.mobile)},
    )


def notification_detail(request, pk: int):
    portal_user = portal_user_of(request)
    notification = selectors.notifications_of(portal_user.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return render(request, "notifications/detail.html", {"notification": notification})
