from django.shortcuts import redirect, render


def home(request):
    """The dashboard: portal sections for organisation users; JIB staff go to the back office."""
    if request.portal_user is None:
        if request.user.is_jib_staff:
            return redirect("/backoffice/")
        return render(request, "core/no_access.html", status=403)
    return render(request, "core/home.html")
