"""The error pages (403, 404, 500): in the back office's own design under its addresses, the portal's elsewhere.

Django's own views render them (`django.views.defaults`); only the template is chosen here, by the address asked
for, so that a JIB person who mistypes an address or opens another team's case stays in the back office."""

from django.views import defaults

BACKOFFICE_PREFIXES = ("/backoffice/", "/backoffice-dashboard/")


def _in_backoffice(request) -> bool:
    return request.path.startswith(BACKOFFICE_PREFIXES)


def permission_denied(request, exception):
    template = "backoffice/403.html" if _in_backoffice(request) else defaults.ERROR_403_TEMPLATE_NAME
    return defaults.permission_denied(request, exception, template_name=template)


def page_not_found(request, exception):
    template = "backoffice/404.html" if _in_backoffice(request) else defaults.ERROR_404_TEMPLATE_NAME
    return defaults.page_not_found(request, exception, template_name=template)


def server_error(request):
    template = "backoffice/500.html" if _in_backoffice(request) else defaults.ERROR_500_TEMPLATE_NAME
    return defaults.server_error(request, template_name=template)
