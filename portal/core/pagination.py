"""Pages of long lists at national scale: the page's keys first, then its rows; keyset for Next.

A list of 20,000 employees or 50,000 applications is ordered and cut in two steps:

1. the keys of one page, from a lean query (only the primary key is selected: no per-row subqueries, no joins that
   only the table needs), either by offset (a page chosen by its number) or by keyset: `after` is the sort key of
   the last row of the page before, so the database seeks to it through the index instead of counting rows;
2. the page's rows with everything the table shows (`rows(queryset, keys)`: select_related, prefetches, totals),
   for those 50 keys only.

The count is taken from the lean query as well. The number of queries stays constant whatever the data.
"""

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

# Lists up to this long have the keys of all their rows read and cut here: with a LIMIT, PostgreSQL may walk an
# index of a joined table in the sort order hoping to stop early (measured: 0.16 s for the 800 applications in
# progress of a 20,000-employee organisation, sorted by surname, against 3 ms for all 800 keys).
WHOLE_LIST_KEYS = 2000


def _rows_by_pk(queryset: QuerySet, keys: list) -> QuerySet:
    return queryset.filter(pk__in=keys).order_by()


def _encode(values: tuple) -> str:
    def plain(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    text = json.dumps([plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class KeysFirstPaginator(Paginator):
    """A Paginator whose pages are read keys first (see the module's docstring).

    `rows(queryset, keys)` returns the rows for `keys` in any order (default: `queryset.filter(pk__in=keys)`);
    `count_queryset` counts when the list's own queryset carries aggregates that a count need not compute;
    `non_null_order`: the list filters out rows whose (nullable) sort columns are empty, so Next may seek by them;
    `count`: the number of rows when the caller has it already."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        rows: Callable[[QuerySet, list], QuerySet] | None = None,
        count_queryset: QuerySet | None = None,
        non_null_order: bool = False,
        count: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # known already (one grouped count for several lists)
        self.rows = rows or _rows_by_pk
        self.count_queryset = count_queryset
        self.non_null_order = non_null_order
        self.ordering = list(object_list.query.order_by) or ["pk"]

    @cached_property
    def count(self) -> int:
        return (self.count_queryset if self.count_queryset is not None else self.object_list).count()

    # -- keyset ----------------------------------------------------------------------------------------------------

    def _key_fields(self) -> list[tuple[str, bool]] | None:
        """(field path, descending) for each term of the ordering, or None when a term is not a plain column
        (an annotation or an expression): those lists page by offset only."""
        model = self.object_list.model
        fields = []
        for term in self.ordering:
            if not isinstance(term, str):
                return None
            descending = term.startswith("-")
            path = term.lstrip("-")
            if path in self.object_list.query.annotations:
                return None
            field_path = model._meta.pk.name if path == "pk" else path
            opts, parts = model._meta, field_path.split("__")
            try:
                for i, part in enumerate(parts):
                    field = opts.get_field(part)
                    if i < len(parts) - 1:
                        opts = field.related_model._meta
            except Exception:  # noqa: BLE001 - not a plain column: no keyset
                return None
            if field.is_relation or (field.null and not self.non_null_order):
                return None
            fields.append((field_path, descending, field))
        return fields

    def _decode(self, cursor: str) -> Q | None:
        """The filter "after this sort key" (lexicographic over the ordering), or None for a bad cursor."""
        fields = self._key_fields()
        if not fields or not cursor:
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(fields):
                return None
            values = [field.to_python(value) for (_, _, field), value in zip(fields, raw, strict=True)]
        except Exception:  # noqa: BLE001 - a tampered or stale cursor: page by offset
            return None
        after = Q()
        for i, (path, descending, _) in enumerate(fields):
            term = Q(**{f"{path}__{'lt' if descending else 'gt'}": values[i]})
            for j in range(i):
                term &= Q(**{fields[j][0]: values[j]})
            after |= term
        return after

    # -- pages -----------------------------------------------------------------------------------------------------

    def page(self, number, *, after: str = "") -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if not self.count:
            page = self._get_page([], number, self)
            page.next_cursor = ""
            return page
        fields = self._key_fields() or []
        keyed = self.object_list.values_list("pk", *[path for path, _, _ in fields])
        seek = self._decode(after) if number > 1 else None
        if seek is not None:
            found = list(keyed.filter(seek)[: top - bottom])
        elif self.count <= WHOLE_LIST_KEYS:
            found = list(keyed)[bottom:top]
        else:
            found = list(keyed[bottom:top])
        keys = [row[0] for row in found]
        by_pk = {row.pk: row for row in self.rows(self.object_list, keys)}
        page = self._get_page([by_pk[k] for k in keys if k in by_pk], number, self)
        # The sort key of the page's last row: the Next link seeks to it ("" when the ordering allows no keyset).
        page.next_cursor = _encode(found[-1][1:]) if fields and found and page.has_next() else ""
        return page

    def get_page(self, number, *, after: str = "") -> Page:
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages
        try:
            return self.page(number, after=after)
        except InvalidPage:  # pragma: no cover - validated above
            return self.page(1)


def page_of(
    queryset: QuerySet,
    request,
    *,
    per_page: int = 50,
    param: str = "page",
    rows: Callable[[QuerySet, list], QuerySet] | None = None,
    count_queryset: QuerySet | None = None,
    non_null_order: bool = False,
    count: int | None = None,
) -> Page:
    """The page the request asks for (`?page=N`, with `&after=` when it came by a Next link; `param` names the
    page's parameter when one page shows several lists, its cursor is then `<param>_after`)."""
    paginator = KeysFirstPaginator(
        queryset, per_page, rows=rows, count_queryset=count_queryset, non_null_order=non_null_order, count=count
    )
    after_param = "after" if param == "page" else f"{param}_after"
    page = paginator.get_page(request.GET.get(param), after=request.GET.get(after_param, ""))
    page.param, page.after_param = param, after_param
    return page
