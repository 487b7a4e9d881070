from django.urls import path

from portal.registry import views

app_name = "registry"
urlpatterns = [
    path("card-check/", views.card_check_view, name="card_check"),
]
