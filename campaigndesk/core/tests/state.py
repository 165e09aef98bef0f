"""The whole database as plain data, to compare before and after: every row of every table the
models know (many-to-many tables included), ordered by primary key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        # A model whose migration is not written yet has no table: nothing to compare.
        if model._meta.proxy or not model._meta.managed or model._meta.db_table not in tables:
            continue
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return rows
