"""Answering with a stored file: as a download with its stored content type, never sniffed by the browser; a private
file is never cached. A record whose file is gone is 404, not 500."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from core.errors import NotFound


def stored_file_response(file: FieldFile, *, filename: str, content_type: str, private: bool) -> FileResponse:
    try:
        content = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("No document has this id.")) from None
    response = FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "no-store, private"
    return response
