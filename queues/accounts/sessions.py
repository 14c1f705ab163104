"""Sessions kept in the database as django.contrib.sessions' db backend keeps them, read with one
plain query: building the ORM's query cost ten times the query itself, on every page."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

# On each thread's database connection: what read_by_key needs for each (model, column).
_READERS = "_sqsadmin_row_readers"


def _reader(model, column: str, connection) -> tuple[str, list[str], list[tuple]]:
    """The SELECT of every concrete column of `model` where `column` equals a parameter, the
    fields' attribute names in that order, and the converters the ORM would apply to each
    value the database returns (SQLite's text datetimes, for instance)."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s"
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        for convert in (
            *connection.ops.get_db_converters(expression),
            *expression.get_db_converters(connection),
        ):
            converters.append((index, convert, expression))
    return sql, [field.attname for field in fields], converters


def read_by_key(model, column: str, value):
    """The instance of `model` whose `column` equals `value`, or None: one query through a plain
    cursor. A RawQuerySet worked out its columns, their converters and the model's init order
    again on every call, which cost more than the query did."""
    using = router.db_for_read(model)
    connection = connections[using]
    readers = connection.__dict__.setdefault(_READERS, {})
    reader = readers.get((model, column))
    if reader is None:
        reader = readers[model, column] = _reader(model, column, connection)
    sql, names, converters = reader
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, convert, expression in converters:
        values[index] = convert(values[index], expression, connection)
    return model.from_db(using, names, values)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = read_by_key(self.model, "session_key", self.session_key)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
