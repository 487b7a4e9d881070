from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.accounts import views as account_views
from portal.sitechecks import views as sitecheck_views
from portal.sitechecks.api import urls as api_urls

# The portal's pages; ecs.urls (the URL root) adds the back office.
admin.site.site_header = "ECS Online Systems administration"
urlpatterns = [
    # Admin signs in through the two-factor sign-in, never with a password alone.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:signin", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("portal.accounts.urls")),
    path("portal/", include("portal.core.urls")),
    path("portal/organisation/", include("portal.organisations.urls")),
    path("portal/employees/", include("portal.employees.urls")),
    path("portal/records/", include("portal.registry.urls")),
    path("portal/applications/", include("portal.applications.urls")),
    path("portal/orders/", include("portal.orders.urls")),
    path("portal/assessments/", include("portal.assessments.urls")),
    path("portal/notifications/", include("portal.notifications.urls")),
    path("portal/contracts/", include("portal.contracts.urls")),
    path("portal/site-checks/", include("portal.sitechecks.urls")),
    path("api/", api_urls()),
    path("apply/", include("portal.licensing.urls")),
    # What an ECS card's QR code carries (portal.registry.card_codes): keep it short and never change it.
    path("c/<str:number>/", sitecheck_views.card_link_view, name="card_link"),
    path("assessment/", include("portal.assessments.session_urls")),
    # viewflow's back-office menu signs out through the url named "logout".
    path("sign-out/", account_views.signout, name="logout"),
    path("", account_views.start, name="start"),
]
