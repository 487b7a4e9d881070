from django.urls import path

from portal.employees import views
from portal.licensing.models import LicencePart
from portal.organisations.access import within_licence_part

app_name = "employees"
urlpatterns = [
    path("", views.employee_list, name="list"),
    path("selection/", views.employee_selection, name="selection"),
    path("cards/<str:which>/", views.expiring, name="expiring"),
    path("add/", views.employee_add, name="add"),
    path("add/confirm/", views.employee_add_confirm, name="add_confirm"),
    path("add/new/", views.employee_add_new, name="add_new"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("<int:pk>/cards/", views.employee_cards, name="cards"),
    path("<int:pk>/leave/", views.employee_leave, name="leave"),
    path("<int:pk>/office/", views.employee_office, name="office"),
]
# Every page needs a licence that includes the Employer Portal.
within_licence_part(urlpatterns, LicencePart.EMPLOYER_PORTAL)
