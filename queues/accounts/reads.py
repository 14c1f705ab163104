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

# On each thread's database connection: what read_by_key and read_query need, by their key.
_READERS = "_sqsadmin_row_readers"

# (SQL, how many parameters it takes, converters as (column, convert, expression), and what makes
# a result of a row: a model instance or a tuple), or None where the ORM must read it each time.
_Reader = tuple[str, int, list[tuple], Callable] | None


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
    return sql, 1, _converters(expressions, connection), _instances(model, names, slice(None), {})


def _instances(model, names: list[str], columns: slice, annotations: dict[str, int]) -> Callable:
    def make(using, values):
        instance = model.from_db(using, names, values[columns])
        for name, index in annotations.items():
            setattr(instance, name, values[index])
        return instance

    return make


def _query_reader(queryset: QuerySet, value, connection) -> _Reader:
    """`queryset`'s SQL, if its every parameter is `value` (so that it holds for any value), with
    how ModelIterable or ValuesListIterable would make each row's result; None for any other
    query (related objects, other iterables): those are read by the ORM."""
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if any(param != value for param in params):
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
    return sql, len(params), _converters(columns, connection), make


def _tuples(count: int) -> Callable:
    return lambda using, values: tuple(values[:count])


def _read(model, key: Hashable, prepare: Callable, value) -> list | None:
    using, connection, readers = _readers(model)
    if key in readers:
        reader = readers[key]
    else:
        reader = readers[key] = prepare(connection)
    if reader is None:
        return None
    sql, count, converters, make = reader
    with connection.cursor() as cursor:
        cursor.execute(sql, [value] * count)
        rows = cursor.fetchall()
    return [make(using, _convert(row, converters, connection)) for row in rows]


def read_by_key(model, column: str, value):
    """The instance of `model` whose `column` equals `value`, or None: one query."""
    found = _read(model, (model, column), lambda c: _key_reader(model, column, c), value)
    return found[0] if found else None


def read_query(model, key: Hashable, build: Callable[[], QuerySet], value) -> list:
    """list(build()), a query of `model`, read with the SQL the ORM built for it once per
    connection. `build` makes the same query for every call with this `key` but for `value`, its
    only parameter (a user's ID, say), and is called only when that SQL is not known yet. A query
    with other parameters, or results this module does not make, is read by the ORM each time."""
    built = []

    def prepare(connection):
        built.append(build())
        return _query_reader(built[0], value, connection)

    found = _read(model, key, prepare, value)
    if found is None:
        return list(built[0] if built else build())
    return found
