"""Front doors: /portal/ for organisation users, /backoffice/ for JIB staff, /admin/ for superusers.

Django's LoginRequiredMiddleware (before this one) sends anyone not signed in to the sign-in page; a session is
only signed in once both factors are checked, so a password alone reaches nothing.
"""

from django.core.exceptions import PermissionDenied

from portal.organisations.models import PortalUser


class FrontDoorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.portal_user = None
        user = request.user
        if user.is_authenticated:
            if not user.is_jib_staff:
                request.portal_user = (
                    PortalUser.objects.select_related("organisation__licence", "office")
                    .filter(user=user, removed_at__isnull=True, organisation__is_active=True)
                    .first()
                )
                if request.portal_user is not None:
                    request.portal_user.user = user  # the same person: no second query for them on every page
            path = request.path_info
            if path.startswith("/backoffice/") and not user.is_jib_staff:
                raise PermissionDenied("The back office is for JIB staff.")
            if path.startswith("/portal/") and request.portal_user is None:
                raise PermissionDenied("The Employer Portal is for users of a licensed organisation.")
            if path.startswith("/admin/") and not user.is_superuser:
                raise PermissionDenied("Django admin is for administrators.")
        return self.get_response(request)
