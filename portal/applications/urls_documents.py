from django.urls import path

from portal.applications import views_documents as views

# Step 2 of a card application: qualifications & documents, and the HS&E requirement.
urlpatterns = [
    path("<int:pk>/documents/", views.step2, name="step2"),
    path("<int:pk>/documents/status/", views.document_status, name="document_status"),
    path("<int:pk>/documents/upload/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/enter/", views.document_enter, name="document_enter"),
    path("<int:pk>/documents/hse/", views.step2_hse, name="step2_hse"),
    path("<int:pk>/documents/next/", views.step2_next, name="step2_next"),
    path("<int:pk>/documents/<int:document_pk>/file/", views.document_file, name="document_file"),
    path(
        "<int:pk>/documents/<int:document_pk>/manual-check/", views.document_manual_check, name="document_manual_check"
    ),
    path("<int:pk>/documents/<int:document_pk>/remove/", views.document_remove, name="document_remove"),
]
