"""Reads made on every signed-in page, through a plain cursor with their SQL and converters worked
out once per database connection: building the ORM's query (or a RawQuerySet's column mapping,
converters and init order) cost more than running it, on every page.

Everything is kept on each thread's connection (the converters are the connection's own), so the
SQL is always the one the ORM builds for that database: SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable

# On each thread's database connection: what read_by_key, read_query and query_sql need, by key.
_READERS = "_sqsadmin_row_readers"

# (SQL, which of a call's values each of its parameters is, converters as (column, convert,
# expression), and what makes a result of a row: a model instance or a tuple), or None where the
# ORM must read it each time.
_Reader = tuple[str, list[int], list[tuple], Callable | None] | None


def _readers(model) -> tuple[str, object, dict]:
    using = router.db_for_read(model)
    connection = connections[using]
    return using, connection, connection.__dict__.setdefault(_READERS, {})


def _convert(row, converters, connection) -> list:
    values = list(row)
    for index, convert, expression in converters:
        values[index] = convert(values[index], expression, connection)
    return values


def _converters(expressions, connection) -> list[tuple]:
    """The converters the ORM applies to each of `expressions`' values as the database returns
    them (SQLite's text datetimes and 0/1 booleans, for instance)."""
    return [
        (index, convert, expression)
        for index, expression in enumerate(expressions)
        for convert in (
            *connection.ops.get_db_converters(expression),
            *expression.get_db_converters(connection),
        )
    ]


def _key_reader(model, column: str, connection) -> _Reader:
    """The SELECT of every concrete column of `model` where `column` equals a parameter."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s"
    expressions = [field.get_col(model._meta.db_table) for field in fields]
    names = [field.attname for field in fields]
    return sql, [0], _converters(expressions, connection), _instances(model, names, slice(None), {})


def _instances(model, names: list[str], columns: slice, annotations: dict[str, int]) -> Callable:
    def make(using, values):
        instance = model.from_db(using, names, values[columns])
        for name, index in annotations.items():
            setattr(instance, name, values[index])
        return instance

    return make


def _positions(params, values: tuple) -> list[int] | None:
    """Which of `values` each parameter is, so that the SQL holds for any values; None when a
    parameter is none of them, or two values are equal (which one it is could not be told)."""
    if len(set(values)) != len(values):
        return None
    try:
        return [values.index(param) for param in params]
    except ValueError:
        return None


def _query_reader(queryset: QuerySet, values: tuple, connection) -> _Reader:
    """`queryset`'s SQL, if its every parameter is one of `values` (so that it holds for any
    values), with how ModelIterable or ValuesListIterable would make each row's result; None for
    any other query (related objects, other iterables): those are read by the ORM."""
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if (positions := _positions(params, values)) is None:
        return None
    columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
    if queryset._iterable_class is ValuesListIterable:
        make = _tuples(compiler.col_count)
    elif queryset._iterable_class is ModelIterable and not (
        compiler.klass_info.get("related_klass_infos") or queryset._known_related_objects
    ):
        fields = compiler.klass_info["select_fields"]
        model_columns = slice(fields[0], fields[-1] + 1)
        names = [column.target.attname for column in columns[model_columns]]
        make = _instances(queryset.model, names, model_columns, compiler.annotation_col_map)
    else:
        return None
    return sql, positions, _converters(columns, connection), make


def _tuples(count: int) -> Callable:
    return lambda using, values: tuple(values[:count])


def _reader(model, key: Hashable, prepare: Callable) -> tuple[str, object, _Reader]:
    using, connection, readers = _readers(model)
    if key in readers:
        return using, connection, readers[key]
    reader = readers[key] = prepare(connection)
    return using, connection, reader


def _read(model, key: Hashable, prepare: Callable, values: tuple) -> list | None:
    using, connection, reader = _reader(model, key, prepare)
    if reader is None:
        return None
    sql, positions, converters, make = reader
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[i] for i in positions])
        rows = cursor.fetchall()
    return [make(using, _convert(row, converters, connection)) for row in rows]


def read_by_key(model, column: str, value):
    """The instance of `model` whose `column` equals `value`, or None: one query."""
    found = _read(model, (model, column), lambda c: _key_reader(model, column, c), (value,))
    return found[0] if found else None


def read_query(model, key: Hashable, build: Callable[[], QuerySet], *values) -> list:
    """list(build()), a query of `model`, read with the SQL the ORM built for it once per
    connection. `build` makes the same query for every call with this `key` but for `values`, its
    parameters (a user's ID, say, or the IDs of the rows to read; they must differ from one
    another), and is called only when that SQL is not known yet. A query with other parameters,
    or results this module does not make, is read by the ORM each time."""
    built = []

    def prepare(connection):
        built.append(build())
        return _query_reader(built[0], values, connection)

    found = _read(model, key, prepare, values)
    if found is None:
        return list(built[0] if built else build())
    return found


def query_sql(model, key: Hashable, build: Callable[[], QuerySet], *values) -> tuple[str, list]:
    """build()'s SQL and its parameters for `values`, for a statement of one's own around it (a
    count over a page, say): worked out once per connection as read_query's are, with the same
    terms. Raises EmptyResultSet, as the ORM does, for a query that can match nothing."""
    built = []

    def prepare(connection):
        built.append(build())
        sql, params = built[0].query.get_compiler(connection=connection).as_sql()
        positions = _positions(params, values)
        return None if positions is None else (sql, positions, [], None)

    _, connection, reader = _reader(model, key, prepare)
    if reader is None:
        query = (built[0] if built else build()).query
        return query.get_compiler(connection=connection).as_sql()
    sql, positions, _, _ = reader
    return sql, [values[i] for i in positions]
