"""Django's database sessions, with the per-page session lookup compiled once (core.compiled)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from campaigndesk.core.compiled import Compiled


def _session(shape: object, *, key: str, now: datetime) -> Any:
    return Session.objects.filter(session_key=key, expire_date__gt=now).order_by()[:1]


_SESSION = Compiled(_session)


class SessionStore(DbSessionStore):
    """`SESSION_ENGINE = "campaigndesk.core.sessions"`: the same table, the same behaviour."""

    def _get_session_from_db(self) -> Any:
        found = (
            _SESSION.first(key=self.session_key, now=timezone.now()) if self.session_key else None
        )
        if found is None:
            self._session_key = None
        return found
