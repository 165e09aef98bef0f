"""Django's model backend, loading the person's profile with the user in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from campaigndesk.core.compiled import Compiled


def _user(shape: object, *, pk: int) -> Any:
    return (
        get_user_model()
        ._default_manager.select_related(
            "profile__market", "profile__office", "profile__department"
        )
        .filter(pk=pk)
        .order_by()[:1]
    )


# Every page asks for it: compiled once (core.compiled), as the API's token lookup.
_USER = Compiled(_user)


class ProfileBackend(ModelBackend):
    """Every page needs the role, market and department of the user; fetch them with the user
    instead of one query each."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
