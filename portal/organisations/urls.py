from django.urls import path

from portal.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.administration, name="admin"),
    path("groups/", views.groups, name="groups"),
    path("groups/add/", views.office_add, name="office_add"),
    path("groups/<int:pk>/", views.office_edit, name="office_edit"),
    path("groups/<int:pk>/move/", views.office_move, name="office_move"),
    path("groups/<int:pk>/close/", views.office_close, name="office_close"),
    path("details/", views.employer_details, name="details"),
    path("users/", views.users, name="users"),
    path("users/add/", views.user_add, name="user_add"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/remove/", views.user_remove, name="user_remove"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset"),
]
