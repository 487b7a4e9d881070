"""CSV downloads. Every cell is made inert for spreadsheets: a value a spreadsheet would run as a formula
(one that starts with = + - @, a tab or a carriage return, e.g. `=HYPERLINK(...)` typed as a name) is written
with a leading apostrophe, so it is shown as the text it is."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils.cache import add_never_cache_headers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV attachment; kept by no cache."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([csv_cell(cell) for cell in row]) for row in [header, *rows])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
