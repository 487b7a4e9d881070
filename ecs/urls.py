"""The URL root: the portal's pages, and the back office built on the processes.

It lives outside `portal/` because it names the back office: nothing in the portal may depend on the processes."""

from django.urls import include, path

from workflows.dashboard_views import casework_dashboard_view
from workflows.site import site as backoffice

urlpatterns = [
    path("backoffice/incidents/", include("workflows.incidents.urls")),
    path("backoffice/finance/", include("workflows.bacs_allocation.urls")),
    path("backoffice/work/", include("workflows.tasklist.urls")),
    path("backoffice/licences/", include("portal.licensing.urls_backoffice")),
    path("backoffice/", backoffice.urls),
    path("backoffice-dashboard/", casework_dashboard_view, name="casework_dashboard"),
    path("backoffice-dashboard/", include("workflows.dashboard_urls")),
    path("", include("portal.urls")),
]

# Error pages in the back office's design under its addresses (ecs.errors).
handler403 = "ecs.errors.permission_denied"
handler404 = "ecs.errors.page_not_found"
handler500 = "ecs.errors.server_error"
