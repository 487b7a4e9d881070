from django.urls import path

from portal.sitechecks import views

app_name = "sitechecks"
urlpatterns = [
    path("api-keys/", views.api_keys_view, name="api_keys"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
