"""The proposal as a Word document laid out like a company document: title block, the
template's sections, budget, targets, staffing, then each review round's opinions with the
market's responses and the consolidated summary."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

from campaigndesk.activities.models import BudgetCategory
from campaigndesk.activities.workflow import Status
from campaigndesk.exports.selectors import ProposalRecord

FONT = "SimSun"
CENT = Decimal("0.01")


def _document() -> DocumentType:
    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = FONT  # type: ignore[union-attr]
        # East-Asian text needs its own font setting in Word.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(11)  # type: ignore[union-attr]
    return document


def _table(document: DocumentType, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A grid table with a bold header row."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    return table


def _paragraphs(document: DocumentType, text: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        document.add_paragraph(_("(not filled in)"))
    for line in lines:
        document.add_paragraph(line)


def money(value: Decimal | None) -> str:
    """12,500.00: grouped, two decimals (the heading says ¥)."""
    return "" if value is None else f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"


def _category(value: str) -> str:
    try:
        return str(BudgetCategory(value).label)
    except ValueError:
        return value


def _title_block(document: DocumentType, record: ProposalRecord) -> None:
    activity = record.activity
    document.add_heading(activity.title, level=0)
    subtitle = document.add_paragraph(_("Activity proposal"))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dates = _("%(start)s to %(end)s (%(days)s days)") % {
        "start": f"{activity.start_date:%Y-%m-%d}",
        "end": f"{activity.end_date:%Y-%m-%d}",
        "days": activity.days,
    }
    submitted = (
        f"{timezone.localtime(activity.submitted_at):%Y-%m-%d %H:%M}"
        if activity.submitted_at
        else "—"
    )
    rows = [
        (_("Market"), activity.market.name),
        (_("Dates"), dates),
        (_("Venue"), activity.venue or "—"),
        (_("Status"), str(Status(activity.status).label)),
        (
            _("Version"),
            _("Version %(version)s (template v%(template)s)")
            % {"version": activity.version, "template": activity.template.version},
        ),
        (_("Submitted at"), submitted),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(str(label)).bold = True
        cells[1].text = str(value)


def _budget(document: DocumentType, record: ProposalRecord) -> None:
    document.add_heading(_("Budget"), level=1)
    if not record.budget:
        document.add_paragraph(_("No budget lines."))
        return
    table = _table(
        document,
        [_("Category"), _("Item"), _("Amount (¥)")],
        [(_category(line.category), line.item, money(line.amount)) for line in record.budget],
    )
    total = table.add_row().cells
    total[0].merge(total[1])
    total[0].text = ""
    total[0].paragraphs[0].add_run(_("Total")).bold = True
    total[2].text = ""
    total[2].paragraphs[0].add_run(money(record.activity.budget_total)).bold = True
    for row in table.rows[1:]:
        row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _targets(document: DocumentType, record: ProposalRecord) -> None:
    activity = record.activity
    document.add_heading(_("Targets"), level=1)
    _table(
        document,
        [_("Attendance"), _("Leads"), _("Sales (¥)")],
        [
            (
                str(activity.target_attendance) if activity.target_attendance else "—",
                str(activity.target_leads) if activity.target_leads else "—",
                money(activity.target_sales) or "—",
            )
        ],
    )


def _staffing(document: DocumentType, record: ProposalRecord) -> None:
    document.add_heading(_("Staffing"), level=1)
    if not record.staffing:
        document.add_paragraph(_("No staffing entered."))
        return
    _table(
        document,
        [_("Name"), _("Role"), _("Duty")],
        [(p["name"], p["role"], p["duty"]) for p in record.staffing],
    )


def _review(document: DocumentType, record: ProposalRecord) -> None:
    document.add_heading(_("Review"), level=1)
    if not record.rounds:
        document.add_paragraph(_("Not reviewed yet."))
        return
    labels = {"general": str(_("General")), **{s.key: s.label for s in record.sections}}
    for review_round in record.rounds:
        document.add_heading(
            _("Round %(n)s (version %(v)s), meeting %(at)s")
            % {
                "n": review_round.number,
                "v": review_round.version,
                "at": f"{timezone.localtime(review_round.meeting_at):%Y-%m-%d %H:%M}",
            },
            level=2,
        )
        opinions = list(review_round.opinions.all())
        if not opinions:
            document.add_paragraph(_("No opinion given."))
        for opinion in opinions:
            by = opinion.given_by.profile.display_name or opinion.given_by.username
            if opinion.on_behalf_of is not None:
                by += " " + _("(on behalf of %(name)s)") % {
                    "name": opinion.on_behalf_of.profile.display_name
                    or opinion.on_behalf_of.username
                }
            document.add_heading(
                f"{opinion.department.label} · {by} · "
                f"{timezone.localtime(opinion.given_at):%Y-%m-%d}",
                level=3,
            )
            items = list(opinion.items.all())
            if not items:
                document.add_paragraph(_("No remarks."))
                continue
            _table(
                document,
                [_("Section"), _("Opinion"), _("Change required"), _("Market's response")],
                [
                    (
                        labels.get(item.section, item.section),
                        item.comment,
                        _("Yes") if item.required_change else _("No"),
                        item.response or "—",
                    )
                    for item in items
                ],
            )
        document.add_heading(_("Consolidated summary"), level=3)
        _paragraphs(document, review_round.summary)


def proposal_docx(record: ProposalRecord) -> bytes:
    """The document, in the active language."""
    document = _document()
    activity = record.activity
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{activity.market.name} · {activity.title}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _title_block(document, record)
    document.add_heading(_("Proposal"), level=1)
    for section in record.sections:
        document.add_heading(section.label, level=2)
        _paragraphs(document, str(activity.sections.get(section.key, "") or ""))
    _budget(document, record)
    _targets(document, record)
    _staffing(document, record)
    _review(document, record)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
