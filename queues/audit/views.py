from __future__ import annotations

import csv
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from ..accounts.reads import query_sql, read_query
from ..accounts.roles import BROWSE, require_permission
from .choices import EVERYONE, filter_choices
from .display import audit_row
from .forms import AuditFilterForm
from .models import AuditEvent

PAGE_SIZE = 50
# Events counted past a page's first: a page says "1234 events" exactly up to this many and
# "More than" beyond, so that a page of a large log does not count every event.
COUNT_AHEAD = 10_000
# A page number past this is taken as this one (past the end: the last page), so that the offset
# it makes stays a number the database takes.
LAST_PAGE = 10**9
VIEW_ALL = "queues.view_auditevent"
CSV_COLUMNS = [
    "time",
    "user",
    "profile",
    "region",
    "queue",
    "action",
    "outcome",
    "error",
    "parameters",
    "client address",
    "user agent",
]


# Rendered rows kept per process, newest use last: events never change once written, and a page
# of 50 rows cost more than everything else the page does (display.audit_row builds one). Keyed
# by ID and time, which a restored or rolled-back database's reused ID does not match.
ROWS_KEPT = 2000
_rows: OrderedDict[tuple, SafeString] = OrderedDict()
_rows_lock = threading.Lock()


def _rendered_rows(keys: list[tuple]) -> list[SafeString]:
    """The rows of the events with these (ID, time as the database gives it) keys: kept ones,
    and the others read in one query and rendered."""
    with _rows_lock:
        rows = {key: _rows[key] for key in keys if key in _rows}
        for key in rows:
            _rows.move_to_end(key)
    if missing := {key[0]: key for key in keys if key not in rows}:
        ids = tuple(missing)
        # One query, its SQL built once per connection for each number of rows (at most a page's).
        build = lambda: AuditEvent.objects.filter(pk__in=ids).order_by()  # noqa: E731
        for event in read_query(AuditEvent, ("audit rows", len(ids)), build, *ids):
            rows[missing[event.pk]] = audit_row(event)
        with _rows_lock:
            _rows.update(rows)
            while len(_rows) > ROWS_KEPT:
                _rows.popitem(last=False)
    return [rows[key] for key in keys]


# The filter fields of the unfiltered page, by the choices they offer: the same on most views, and
# seven fields took a third of the page's rendering (the form is made only when they change).
_blank_filters: dict[tuple, SafeString] = {}
FILTER_NAMES = ["action", "profile", "queue", "outcome", "since", "until"]


def _filter_fields(form: AuditFilterForm, sees_all: bool) -> SafeString:
    names = ["user", *FILTER_NAMES] if sees_all else FILTER_NAMES
    return mark_safe("\n".join(form[name].as_field_group() for name in names))


def _blank_filter_fields(sees_all: bool, actions: list[str], profiles: list[str]) -> SafeString:
    key = (sees_all, tuple(actions), tuple(profiles))
    if (html := _blank_filters.get(key)) is None:
        form = AuditFilterForm(actions=actions, profiles=profiles)
        html = _filter_fields(form, sees_all)
        if len(_blank_filters) > 100:
            _blank_filters.clear()
        _blank_filters[key] = html
    return html


def _events_keys(events: QuerySet[AuditEvent], scope: str | int | None) -> tuple[str, list] | None:
    """The SQL of `events`' (ID, time) keys, newest first, and its parameters; None when no event
    can match. `scope`, when no filter narrowed them (the page as the menu opens it, and its
    further pages): EVERYONE, or the ID of the user whose own events they are; their SQL is then
    built once per connection (the ORM building it cost more than the query)."""
    keys = lambda: events.values_list("id", "created_at")  # noqa: E731
    try:
        if scope is None:
            return keys().query.sql_with_params()
        values = () if scope == EVERYONE else (scope,)
        return query_sql(AuditEvent, ("audit keys", scope == EVERYONE), keys, *values)
    except EmptyResultSet:
        return None


def _page(events: tuple[str, list] | None, asked: str | None) -> Page:
    """The page of events asked for (the last one past the end, the first for no number), as
    Paginator.get_page gives it, with the events' keys; counted no further than COUNT_AHEAD
    events past the page's first. `events`: the SQL of their keys (_events_keys)."""
    try:
        number = min(max(int(asked or 1), 1), LAST_PAGE)
    except ValueError:
        number = 1
    keys, count, more = _page_keys(events, number)
    if not keys and number > 1:  # past the end: the last page, as Paginator.get_page does
        _, count, _ = _page_keys(events, 1, ahead=(number - 1) * PAGE_SIZE)
        number = max(math.ceil(count / PAGE_SIZE), 1)
        keys, count, more = _page_keys(events, number)
    paginator = Paginator([], PAGE_SIZE)
    paginator.count, paginator.more = count, more
    return Page(keys, number, paginator)


def _page_keys(events: tuple[str, list] | None, number: int, ahead: int | None = None):
    """Page `number`'s (ID, time) keys, how many events there are from the first (all of them, or
    the first `ahead` events past the page's first when there are more) and whether there are
    more: in one query, whose count reads no further than that."""
    if events is None:
        return [], 0, False
    sql, params = events
    offset = (number - 1) * PAGE_SIZE
    limit = offset + (COUNT_AHEAD if ahead is None else ahead)
    connection = connections[router.db_for_read(AuditEvent)]
    id_, at = (connection.ops.quote_name(column) for column in ("id", "created_at"))
    with connection.cursor() as cursor:
        # One more than counted, to know there are more.
        cursor.execute(
            f"SELECT {id_}, {at}, COUNT(*) OVER () FROM ({sql} LIMIT %s) AS counted"
            f" ORDER BY {at} DESC, {id_} DESC LIMIT %s OFFSET %s",
            [*params, limit + 1, PAGE_SIZE, offset],
        )
        rows = cursor.fetchall()
    counted = rows[0][2] if rows else 0
    return [(pk, created_at) for pk, created_at, _ in rows], min(counted, limit), counted > limit


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv_rows(events) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in events.iterator():
        yield writer.writerow(
            [
                e.created_at.isoformat(),
                *(_cell(v) for v in (e.username, e.profile_name, e.region, e.queue, e.action)),
                e.outcome,
                _cell(e.error),
                _cell(json.dumps(e.parameters, sort_keys=True)),
                e.client_address or "",
                _cell(e.user_agent),
            ]
        )


@require_GET
@require_permission(BROWSE)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did what: admins see everyone's events, everybody else their own. Read-only."""
    sees_all = request.user.has_perm(VIEW_ALL)
    scope = EVERYONE if sees_all else request.user.pk
    events = AuditEvent.objects.all()
    if not sees_all:
        events = events.filter(user=request.user)
    # The filters' choices: those of every event, or of the user's own (see choices.py).
    actions, profiles = filter_choices(events, scope)
    # No query string (the page as the menu opens it): no form, its fields as last rendered.
    form = AuditFilterForm(request.GET, actions=actions, profiles=profiles) if request.GET else None
    narrowed = form is not None and (not form.is_valid() or form.narrows)
    if form is not None:
        events = form.filter(events) if form.is_valid() else events.none()
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="sqsadmin-audit.csv"'
        return response
    # The page's keys only: most rows were rendered before (see _rendered_rows).
    page = _page(_events_keys(events, None if narrowed else scope), request.GET.get("page"))
    page.object_list = _rendered_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filter_fields": (
            _blank_filter_fields(sees_all, actions, profiles)
            if form is None
            else _filter_fields(form, sees_all)
        ),
        "page": page,
        "rows": mark_safe("".join(page.object_list)),  # one string, not 50 for the template
        "sees_all": sees_all,
        "query": query.urlencode(),
    }
    template = "audit/audit_log.html#audit-table" if request.htmx else "audit/audit_log.html"
    return render(request, template, context)
