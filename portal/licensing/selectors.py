"""Reads for licence applications: the signed links an applicant follows (status, and the answer to a request for
more information)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from portal.licensing.models import LicenceApplication

STATUS_SALT = "licensing.status"
RESPONSE_SALT = "licensing.information"
RESPONSE_MAX_AGE_SECONDS = 60 * 24 * 3600


def licence_application_status_token(*, application: LicenceApplication) -> str:
    return signing.dumps(application.pk, salt=STATUS_SALT)


def licence_application_status_url(*, application: LicenceApplication) -> str:
    token = licence_application_status_token(application=application)
    return settings.SITE_URL + reverse("licensing:status", args=[token])


def licence_application_by_status_token(*, token: str) -> LicenceApplication | None:
    try:
        pk = signing.loads(token, salt=STATUS_SALT, max_age=settings.LICENCE_STATUS_LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return LicenceApplication.objects.filter(pk=pk).first()


def licence_application_response_url(*, application: LicenceApplication) -> str:
    token = signing.dumps(application.pk, salt=RESPONSE_SALT)
    return settings.SITE_URL + reverse("licensing:respond", args=[token])


def licence_application_by_response_token(*, token: str) -> LicenceApplication | None:
    try:
        pk = signing.loads(token, salt=RESPONSE_SALT, max_age=RESPONSE_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return LicenceApplication.objects.filter(pk=pk).first()
