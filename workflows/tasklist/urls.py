from django.urls import path
from django.views.generic import RedirectView

from workflows.tasklist import views

app_name = "tasklist"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tasklist:my_work"), name="index"),
    path("mine/", views.my_work, name="my_work"),
    path("queues/", views.queues, name="queues"),
    path("queues/<slug:team>/", views.queue, name="queue"),
    path("tasks/<int:pk>/claim/", views.claim, name="claim"),
    path("tasks/<int:pk>/release/", views.release, name="release"),
    path("tasks/<int:pk>/assign/", views.assign, name="assign"),
    path("assign/", views.assign_many, name="assign_many"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
]
