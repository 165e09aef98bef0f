"""The bearer-token lookup compiled once (org/auth.find_token) answers as ApiToken.find does,
in one query, and a token stops working on the very next request after it is revoked or
expires, or its user is deactivated, although the lookup was compiled by an earlier request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigndesk.conftest import ApiClient
from campaigndesk.org.auth import find_token
from campaigndesk.org.models import ApiToken


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_find_token_is_apitoken_find_in_one_query(demo: None, user, django_assert_num_queries):
    _token, raw = ApiToken.issue(user=user("sn_head"), days=1)
    expected = ApiToken.find(raw)
    assert expected is not None

    # The token row with its user, profile, market, office and department in one select.
    with django_assert_num_queries(1):
        found = find_token(raw)
        assert found is not None
        profile = found.user.profile
        related = (profile.market, profile.office, profile.department)

    assert fields(found) == fields(expected)
    assert fields(found.user) == fields(expected.user)
    assert fields(profile) == fields(expected.user.profile)
    assert profile.market is not None and profile.market.code == "SN"
    assert [r and fields(r) for r in related] == [
        r and fields(r)
        for r in (
            expected.user.profile.market,
            expected.user.profile.office,
            expected.user.profile.department,
        )
    ]
    assert find_token(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None


@pytest.mark.parametrize("how", ["revoked", "expired", "deactivated"])
def test_token_stops_on_the_next_request(demo: None, user, how: str) -> None:
    token, raw = ApiToken.issue(user=user("sn_head"), days=1)
    client = ApiClient(raw)
    assert client.get("/me").status_code == 200  # the lookup is compiled now

    if how == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        type(token.user).objects.filter(pk=token.user_id).update(is_active=False)

    assert client.get("/me").status_code == 401
