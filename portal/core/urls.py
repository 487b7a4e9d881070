from django.urls import path

from portal.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("terms/", views.terms, name="terms"),
]
