from django.urls import path

from portal.licensing import views_backoffice as views

app_name = "licences"
urlpatterns = [
    path("", views.licence_list, name="list"),
    path("<int:pk>/", views.licence_edit, name="edit"),
]
