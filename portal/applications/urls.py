from django.urls import include, path

from portal.licensing.models import LicencePart
from portal.organisations.access import within_licence_part

app_name = "applications"
# The employer's steps, the documents of step 2, and what follows payment (endorsements, holds, the JIB stages).
urlpatterns = [
    path("", include("portal.applications.urls_wizard")),
    path("", include("portal.applications.urls_documents")),
    path("", include("portal.applications.urls_processing")),
]
# Every page needs a licence that includes the Employer Portal.
within_licence_part(urlpatterns, LicencePart.EMPLOYER_PORTAL)
