from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Password check by email, case-insensitive. Signing in still needs the second factor (see views)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=(email or username or "").strip().lower(), password=password)
