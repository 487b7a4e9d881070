from django.urls import path

from portal.sitechecks import views

app_name = "sitechecks"
urlpatterns = [
    path("spot-check/", views.spot_check_view, name="spot_check"),
    path("spot-check/scan/", views.spot_check_scan_view, name="spot_check_scan"),
    path("contracts/<int:contract_id>/audit/", views.audit_view, name="audit"),
    path("contracts/<int:contract_id>/export/", views.export_view, name="export"),
    path("api-keys/", views.api_keys_view, name="api_keys"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
