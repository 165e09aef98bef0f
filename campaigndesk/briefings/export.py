"""The briefing as a Word document (python-docx), for printing and forwarding."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from campaigndesk.activities.workflow import Status
from campaigndesk.briefings.models import Briefing


def briefing_docx(briefing: Briefing) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    # East-Asian text needs its own font setting in Word.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    with translation.override("zh-hans"):
        document.add_heading(briefing.title, level=0)
        document.add_paragraph(f"{briefing.period_start:%Y-%m-%d} – {briefing.period_end:%Y-%m-%d}")
        if briefing.intro:
            document.add_paragraph(briefing.intro)
        for entry in briefing.entries.all():
            document.add_heading(entry.market.name, level=1)
            if entry.activities:
                table = document.add_table(rows=1, cols=4)
                table.style = "Table Grid"
                for cell, text in zip(
                    table.rows[0].cells,
                    [_("Activity"), _("Status"), _("ROI"), _("Cost per attendee")],
                    strict=True,
                ):
                    cell.text = str(text)
                for item in entry.activities:
                    m = item.get("metrics") or {}
                    row = table.add_row().cells
                    row[0].text = item["title"]
                    row[1].text = str(Status(item["status"]).label)
                    row[2].text = m.get("roi") or "—"
                    row[3].text = m.get("cost_per_attendee") or "—"
            else:
                document.add_paragraph(_("No activity in this period."))
            if entry.highlights:
                document.add_heading(_("Highlights"), level=2)
                for line in entry.highlights.splitlines():
                    document.add_paragraph(line, style="List Bullet")
            if entry.competitors:
                document.add_heading(_("Competitor moves"), level=2)
                for line in entry.competitors.splitlines():
                    document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
