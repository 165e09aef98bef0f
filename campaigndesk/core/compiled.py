"""Queries on every request, with their SQL compiled by Django once per connection and thread.

Building a queryset and compiling it costs more than running it when the query is an indexed
lookup run on every request (a token with its user, profile, market, office and department:
~1.2 ms of Python to compile, 0.05 ms to run). A `Compiled` query is built by a function of the
call's values, compiled once with stand-in values, and then run with each call's values put
where the stand-ins were; its rows become model instances or tuples exactly as Django would make
them (its converters, its related-object populators).

The shape of the SQL must not depend on the values (a None turning `=` into `IS NULL`, a list's
length): what changes it goes in `shape`, which keys the compiled SQL and is passed to the
builder as it is. In tests (`settings.COMPILED_QUERY_CHECK`), every run is compared with the
queryset compiled anew from the real values.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    get_related_populators,
)

SHAPES_KEPT = 64  # compiled shapes kept per query, thread and connection


def _stand_in(name: str, index: int, value: Any) -> Any:
    """A value of `value`'s type that no real call passes."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: a bool changes the SQL; put it in the shape")
    if isinstance(value, int):
        # Inside every integer field's range but small ones': Django answers a value out of a
        # field's range with no rows at all (EmptyResultSet), which would leave nothing to fill.
        return 2_000_000_000 + index
    if isinstance(value, str):
        return f"\x00stand-in:{name}\x00"
    if isinstance(value, datetime):
        return datetime(1901, 1, 1, tzinfo=UTC) + timedelta(seconds=index + 1)
    if isinstance(value, date):
        return date(1901, 1, 1) + timedelta(days=index + 1)
    raise TypeError(f"{name}: {type(value).__name__} values cannot be compiled once")


def _adapt(alias: str, value: Any) -> Any:
    """`value` as Django hands it to the database driver."""
    ops = connections[alias].ops
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


@dataclass
class _Prepared:
    fallback: bool  # not compiled (its stand-ins admit no rows): run as Django runs it
    sql: str = ""
    params: tuple[Any, ...] = ()
    slots: tuple[tuple[str, tuple[int, ...]], ...] = ()
    compiler: Any = None
    converters: Any = None
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    populators: Any = None


class Compiled:
    """`build(shape, **values)` → the queryset (a `values_list` for `rows`, a model queryset,
    select_related allowed, for `first`)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._local = threading.local()

    def _prepared(self, alias: str, shape: Hashable, values: dict[str, Any]) -> _Prepared:
        connection = connections[alias]
        cache = getattr(self._local, "cache", None)
        if cache is None or getattr(self._local, "connection", None) is not connection:
            cache = self._local.cache = {}
            self._local.connection = connection
        key = (shape, tuple(sorted((n, type(v).__name__) for n, v in values.items())))
        found = cache.pop(key, None)
        if found is None:
            found = self._compile(alias, shape, values)
            if len(cache) >= SHAPES_KEPT:  # the least recently used goes (a page number is
                del cache[next(iter(cache))]  # part of a shape: their number is unbounded)
        cache[key] = found
        return found

    def _compile(self, alias: str, shape: Hashable, values: dict[str, Any]) -> _Prepared:
        stand_ins = {name: _stand_in(name, i, v) for i, (name, v) in enumerate(values.items())}
        queryset = self.build(shape, **stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Prepared(fallback=True)
        params = tuple(params)
        slots = []
        for name, stand_in in stand_ins.items():
            adapted = _adapt(alias, stand_in)
            at = tuple(
                i
                for i, p in enumerate(params)
                # PostgreSQL's integers come typed (psycopg's Int4, Int8…: subclasses of int).
                if isinstance(p, type(adapted)) and not isinstance(p, bool) and p == adapted
            )
            if not at:
                raise LookupError(f"{name} is not a parameter of the compiled query")
            slots.append((name, at))
        prepared = _Prepared(fallback=False, sql=sql, params=params, slots=tuple(slots))
        prepared.compiler = compiler
        if not issubclass(queryset._iterable_class, ModelIterable):  # type: ignore[attr-defined]
            query = queryset.query
            fields: tuple[str, ...] = queryset._fields  # type: ignore[attr-defined]
            named = [*fields, *(a for a in query.annotation_select if a not in fields)]
            if named != [*query.extra_select, *query.values_select, *query.annotation_select]:
                raise TypeError("columns must come in the order Django selects them")
        else:
            klass_info = compiler.klass_info
            select_fields = klass_info["select_fields"]
            prepared.model = klass_info["model"]
            prepared.start, prepared.end = select_fields[0], select_fields[-1] + 1
            prepared.init_list = tuple(
                f[0].target.attname for f in compiler.select[prepared.start : prepared.end]
            )
            prepared.populators = get_related_populators(klass_info, compiler.select, alias)
        prepared.converters = compiler.get_converters(
            [s[0] for s in compiler.select[0 : compiler.col_count]]
        )
        return prepared

    def _execute(
        self, alias: str, shape: Hashable, values: dict[str, Any]
    ) -> tuple[_Prepared | None, list[Any]]:
        """The compiled query and its raw rows; (None, rows as Django gives them) when it is not
        compiled or a value is one Django may answer without SQL (an integer out of range)."""
        prepared = self._prepared(alias, shape, values)
        if prepared.fallback or not all(
            -(2**31) <= v < 2**31 for v in values.values() if isinstance(v, int)
        ):
            return None, list(self.build(shape, **values).using(alias))
        params = list(prepared.params)
        for name, at in prepared.slots:
            adapted = _adapt(alias, values[name])
            for i in at:
                typed = type(prepared.params[i])
                params[i] = typed(adapted) if isinstance(adapted, int) else adapted
        if getattr(settings, "COMPILED_QUERY_CHECK", False):
            self._check(alias, shape, values, prepared.sql, params)
        with connections[alias].cursor() as cursor:
            cursor.execute(prepared.sql, params)
            rows = cursor.fetchall()
        return prepared, rows

    def _check(
        self, alias: str, shape: Hashable, values: dict[str, Any], sql: str, params: list[Any]
    ) -> None:
        fresh_sql, fresh_params = self.build(shape, **values).query.get_compiler(alias).as_sql()
        if (fresh_sql, list(fresh_params)) != (sql, params):
            raise AssertionError(
                f"compiled query differs from a fresh compile:\n{sql}\n{params}\n"
                f"{fresh_sql}\n{list(fresh_params)}"
            )

    def rows(self, shape: Hashable = (), /, **values: Any) -> list[Any]:
        """The rows of a values_list query, converted as Django converts them."""
        prepared, rows = self._execute(DEFAULT_DB_ALIAS, shape, values)
        if prepared is not None and rows and prepared.converters:
            rows = list(prepared.compiler.apply_converters(rows, prepared.converters))
        return [tuple(row) for row in rows]

    def first(self, shape: Hashable = (), /, **values: Any) -> Any:
        """The first row of a model query as its instance, related objects attached, or None."""
        prepared, rows = self._execute(DEFAULT_DB_ALIAS, shape, values)
        if prepared is None or not rows:
            return rows[0] if rows else None
        row = rows[0]
        if prepared.converters:
            row = next(iter(prepared.compiler.apply_converters(rows[:1], prepared.converters)))
        assert prepared.model is not None
        instance = prepared.model.from_db(
            DEFAULT_DB_ALIAS, list(prepared.init_list), row[prepared.start : prepared.end]
        )
        for populator in prepared.populators:
            populator.populate(row, instance)
        return instance
