from django.urls import include, path

app_name = "applications"
# The employer's steps, the documents of step 2, and what follows payment (endorsements, holds, the JIB stages).
urlpatterns = [
    path("", include("portal.applications.urls_wizard")),
    path("", include("portal.applications.urls_documents")),
    path("", include("portal.applications.urls_processing")),
]
