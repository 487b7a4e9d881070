from django.urls import path

from workflows.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("retry/", views.incident_retry_many, name="retry_many"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/retry/", views.incident_retry, name="retry"),
    path("<int:pk>/manual/", views.incident_send_to_manual, name="manual"),
]
