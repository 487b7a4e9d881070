"""An upload held between tries of the public licence form: a checked accounts PDF is kept (in storage, named in
the session) so another mistake on the form does not make the applicant choose it again."""

import secrets
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage

SESSION_KEY = "licence_accounts_held"


@dataclass(frozen=True)
class HeldFile:
    path: str
    name: str  # the name the applicant's file had

    def open(self) -> File:
        return File(default_storage.open(self.path, "rb"), name=self.name)


def held(request) -> HeldFile | None:
    kept = request.session.get(SESSION_KEY)
    if not kept or not default_storage.exists(kept["path"]):
        return None
    return HeldFile(path=kept["path"], name=kept["name"])


def hold(request, upload) -> HeldFile:
    """Keep `upload` (already checked) in place of any file held before."""
    forget(request)
    upload.seek(0)
    path = default_storage.save(f"held/licence-accounts/{secrets.token_hex(16)}.pdf", upload)
    name = upload.name.rsplit("/", 1)[-1][:100]
    request.session[SESSION_KEY] = {"path": path, "name": name}
    return HeldFile(path=path, name=name)


def forget(request) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        default_storage.delete(kept["path"])
