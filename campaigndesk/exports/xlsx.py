"""Writing tables into .xlsx workbooks (openpyxl, write-only so a large export stays small in
memory): typed columns, so money is a number with two decimals and a ratio a percentage."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS = {
    "money": "#,##0.00",
    "ratio": "0.00%",
    "int": "#,##0",
    "date": "yyyy-mm-dd",
    "month": "@",
    "text": "@",
}
INVALID_TITLE_RE = re.compile(r"[\[\]:*?/\\]")
WIDTHS = {"money": 14, "ratio": 11, "int": 10, "date": 12, "month": 10, "text": 18}


@dataclass(frozen=True)
class Column:
    """A column of a table: its heading and what its values are (text, int, money, ratio,
    date or month). `wide` for free text."""

    label: str
    kind: str = "text"
    wide: bool = False


def _value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind in ("money", "ratio"):
        return Decimal(value)
    if kind == "int":
        return int(value)
    if kind == "date" and isinstance(value, datetime):
        return timezone.localtime(value).date()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def sheet_title(title: str) -> str:
    """A title Excel accepts: no `[]:*?/\\`, at most 31 characters."""
    return INVALID_TITLE_RE.sub(" ", str(title)).strip()[:31] or "Sheet"


def cell(sheet: WriteOnlyWorksheet, value: Any, kind: str = "text", bold: bool = False) -> Any:
    """One typed cell; text is always text, even when it starts with "=" (no formula
    injection from what people typed into a report)."""
    found = WriteOnlyCell(sheet, _value(value, kind))
    if isinstance(found.value, str):
        found.data_type = "s"
        if "\n" in found.value:
            found.alignment = Alignment(wrap_text=True, vertical="top")
    if kind in FORMATS and kind != "text" and not isinstance(found.value, str):
        found.number_format = FORMATS[kind]
    if bold:
        found.font = Font(bold=True)
    return found


def table_sheet(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    totals: Sequence[Any] | None = None,
) -> WriteOnlyWorksheet:
    """A sheet with a bold header row, one row per item and an optional bold totals row."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title=sheet_title(title))
    for index, column in enumerate(columns, start=1):
        width = 40 if column.wide else WIDTHS.get(column.kind, 16)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, c.label, bold=True) for c in columns])
    for row in rows:
        sheet.append([cell(sheet, v, c.kind) for v, c in zip(row, columns, strict=True)])
    if totals is not None:
        sheet.append(
            [cell(sheet, v, c.kind, bold=True) for v, c in zip(totals, columns, strict=True)]
        )
    return sheet


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def save(workbook: Workbook, target: IO[bytes] | None = None) -> bytes:
    """The workbook's bytes (or written to `target`, returning b"")."""
    if target is not None:
        workbook.save(target)
        return b""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes, *, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
