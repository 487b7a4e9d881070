"""Response headers every page gets: Content-Security-Policy, Permissions-Policy, and no caching of signed-in pages.

The policies are in settings (CONTENT_SECURITY_POLICY, CSP_BACKOFFICE_*, PERMISSIONS_POLICY). A view widens them
for itself only: `csp.decorators.csp_update({...})` for a source, `permissions_policy(camera="self")` for a feature.
"""

from functools import wraps

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils.cache import add_never_cache_headers


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the back office's wider policy on its own paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(tuple(settings.CSP_BACKOFFICE_PREFIXES)):
            update = {key: list(value) for key, value in settings.CSP_BACKOFFICE_UPDATE.items()}
            for key, value in (parts.update or {}).items():
                update.setdefault(key, []).extend([value] if isinstance(value, str) else value)
            parts.update = update
        return parts


def _allowlist(value: str) -> str:
    return f"({value})"


def permissions_policy(**features: str):
    """Allow browser features on one view, e.g. `@permissions_policy(camera="self")` (an allowlist, as written
    between the brackets of the header)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            response._permissions_policy = {name.replace("_", "-"): value for name, value in features.items()}
            return response

        return wrapped

    return decorator


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on every page seen by a signed-in person
    (pages, exports, downloads), so neither a shared cache nor the browser's history keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        features = {**settings.PERMISSIONS_POLICY, **getattr(response, "_permissions_policy", {})}
        response.setdefault("Permissions-Policy", ", ".join(f"{k}={_allowlist(v)}" for k, v in features.items()))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
