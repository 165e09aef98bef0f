"""The search index: one row per searchable document, with its text segmented for full-text
search.

Full-text matching runs on `segmented` (the words jieba finds, lower-cased, joined by spaces):
on SQLite through the FTS5 table `search_document_fts`, an external-content index of this table
kept in step by triggers; on PostgreSQL through a GIN index on the generated column
`search_vector` = `to_tsvector('simple', segmented)` (migration 0003; the column is not a model
field: the database fills it). A later migration that makes SQLite rebuild this table (altering
a column) drops the triggers: recreate them there.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    OPINION = "opinion", _("Review opinion")
    DAILY_REPORT = "daily_report", _("Daily report")
    SUMMARY = "summary", _("Summary")
    LESSON = "lesson", _("Lessons")
    BRIEFING = "briefing", _("Briefing")


class Audience(models.TextChoices):
    """Who may get the document as a hit (see `selectors.search_scope`)."""

    MARKET = "market", _("HQ and the market's people")
    EVERYONE = "everyone", _("Everyone")
    HQ = "hq", _("HQ only")


class SearchDocument(models.Model):
    kind = models.CharField(_("type"), max_length=16, choices=DocumentType.choices)
    object_id = models.BigIntegerField(_("object id"))
    # Plain columns, not keys: the index follows the objects through signals, and a row must
    # not hold up (or be cascaded by) the deletion it is about to mirror.
    activity_id = models.BigIntegerField(_("activity"), null=True, blank=True)
    market_id = models.BigIntegerField(_("market"), null=True, blank=True)
    audience = models.CharField(_("visible to"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    segmented = models.TextField(_("segmented text"), blank=True)
    # A digest of what the row was built from: a re-index skips rows whose source is unchanged.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        db_table = "search_document"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentType.values), name="search_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="search_document_audience_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["activity_id"], name="search_document_activity"),
            models.Index(fields=["audience", "market_id"], name="search_document_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
