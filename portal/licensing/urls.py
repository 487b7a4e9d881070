from django.urls import path

from portal.licensing import views

app_name = "licensing"
urlpatterns = [
    path("", views.apply, name="apply"),
    path("submitted/", views.submitted, name="submitted"),
    path("status/<str:token>/", views.status, name="status"),
    path("information/<str:token>/", views.respond, name="respond"),
    path("documents/<int:pk>/<str:which>/", views.document, name="document"),
]
