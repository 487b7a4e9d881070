from django.urls import path

from portal.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("being-set-up/", views.contract_list, {"section": "setting_up"}, name="setting_up"),
    path("in-progress/", views.contract_list, {"section": "in_progress"}, name="in_progress"),
    path("completed/", views.contract_list, {"section": "completed"}, name="completed"),
    path("new/", views.contract_create, name="create"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:party_id>/answer/", views.invitation_answer, name="answer"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/change/", views.contract_edit, name="edit"),
    path("<int:pk>/start/", views.go_live, name="go_live"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/requirements/add/", views.requirement_add, name="requirement_add"),
    path("<int:pk>/requirements/<int:requirement_id>/remove/", views.requirement_remove, name="requirement_remove"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/companies/<int:party_id>/", views.contract_detail, name="branch"),
    path("<int:pk>/companies/<int:party_id>/remove/", views.party_remove, name="party_remove"),
    path("<int:pk>/workers/add/", views.worker_add, name="worker_add"),
    path("<int:pk>/workers/<int:worker_id>/remove/", views.worker_remove, name="worker_remove"),
]
