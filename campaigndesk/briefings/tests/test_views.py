"""Briefing pages: the list with the compile form (HQ manager only), the draft's edit form and
publish button, read receipts recorded on opening and shown to HQ, and the Word export."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from campaigndesk.briefings import services
from campaigndesk.briefings.models import Briefing, BriefingRead
from campaigndesk.briefings.tests.test_services import MARCH, march


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def published(user) -> Briefing:  # type: ignore[no-untyped-def]
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=MARCH[0], period_end=MARCH[1], title="三月简报"
    )
    return services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))


def html_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("username", "compiles"),
    [("hq_manager", True), ("finance_reviewer", False), ("sn_head", False), ("sn_staff1", False)],
)
def test_only_the_manager_sees_the_compile_form(
    login, demo: None, username: str, compiles: bool
) -> None:
    html = html_of(login(username).get(reverse("briefings:list")))
    assert ('data-testid="compile-form"' in html) is compiles


def test_compiling_from_the_list_opens_the_draft(login, demo: None) -> None:
    s = march()
    client = login("hq_manager")
    response = client.post(
        reverse("briefings:list"),
        {"period_start": "2025-03-01", "period_end": "2025-03-31", "title": "三月简报"},
    )
    briefing = Briefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("briefings:detail", args=[briefing.pk])
    html = html_of(client.get(response["Location"]))
    assert 'data-testid="briefing-form"' in html
    assert html.count('data-testid="briefing-market"') == 3
    for text in (
        "陕西市场",
        "河南市场",
        "四川市场",
        s.evaluated.title,
        "1.3218",
        "竞品推出买二送一",
    ):
        assert text in html, text


def test_a_reversed_period_is_shown_on_the_form(login, demo: None) -> None:
    response = login("hq_manager").post(
        reverse("briefings:list"), {"period_start": "2025-03-31", "period_end": "2025-03-01"}
    )
    assert "is-invalid" in html_of(response)
    assert not Briefing.objects.exists()


def test_the_market_cannot_compile(login, demo: None) -> None:
    response = login("sn_head").post(
        reverse("briefings:list"), {"period_start": "2025-03-01", "period_end": "2025-03-31"}
    )
    assert response.status_code == 403
    assert not Briefing.objects.exists()


def test_the_draft_is_edited_then_published(login, user, demo: None) -> None:
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=MARCH[0], period_end=MARCH[1]
    )
    client = login("hq_manager")
    url = reverse("briefings:detail", args=[briefing.pk])
    response = client.post(
        url,
        {
            "title": "2025年3月简报",
            "intro": "各市场动态如下。",
            "highlights_SC": "筹备四月义诊。",
            "competitors_SC": "",
            "highlights_SN": "",
            "competitors_SN": "",
            "highlights_HA": "",
            "competitors_HA": "",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("briefings:publish", args=[briefing.pk])).status_code == 302
    html = html_of(client.get(url))
    assert "2025年3月简报" in html and "筹备四月义诊" in html
    assert 'data-testid="briefing-form"' not in html  # published: read only
    assert 'data-testid="publish-briefing"' not in html
    assert Briefing.objects.get(pk=briefing.pk).status == "published"


def test_a_draft_is_404_for_the_market(login, user, demo: None) -> None:
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=MARCH[0], period_end=MARCH[1]
    )
    client = login("sn_head")
    assert client.get(reverse("briefings:detail", args=[briefing.pk])).status_code == 404
    assert client.get(reverse("briefings:export", args=[briefing.pk])).status_code == 404
    assert 'data-testid="briefings"' not in html_of(client.get(reverse("briefings:list")))


def test_opening_a_published_briefing_records_the_reader(login, user, demo: None) -> None:
    briefing = published(user)
    url = reverse("briefings:detail", args=[briefing.pk])
    html = html_of(login("sn_head").get(url))
    assert "三月简报" in html
    assert 'data-testid="read-receipts"' not in html  # receipts are for HQ
    assert 'data-testid="briefing-form"' not in html
    login("sn_head").get(url)  # opening it again adds nothing
    assert [r.user.username for r in BriefingRead.objects.all()] == ["sn_head"]

    html = html_of(login("hq_manager").get(url))
    receipts = html[html.index('data-testid="read-receipts"') :]
    assert "周海涛" in receipts  # sn_head


def test_the_market_cannot_edit_a_published_briefing(login, user, demo: None) -> None:
    briefing = published(user)
    client = login("sn_head")
    response = client.post(
        reverse("briefings:detail", args=[briefing.pk]), {"title": "改", "intro": "改"}
    )
    assert response.status_code == 403
    assert client.post(reverse("briefings:publish", args=[briefing.pk])).status_code == 403
    assert Briefing.objects.get(pk=briefing.pk).title == "三月简报"


def test_the_word_export_from_the_page(login, user, demo: None) -> None:
    briefing = published(user)
    response = login("sc_head").get(reverse("briefings:export", args=[briefing.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_page_does_not_grow_with_the_briefings(
    login, user, demo: None, django_assert_num_queries, count: int
) -> None:  # type: ignore[no-untyped-def]
    for month in range(1, count + 1):
        briefing = services.briefing_compile(
            by=user("hq_manager"),
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
        )
        services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    client = login("sn_head")
    # session, user (with profile); the briefings; header: unread count, delegation.
    with django_assert_num_queries(5):
        html_of(client.get(reverse("briefings:list")))


def test_hq_opening_a_published_briefing_is_not_a_read_receipt(demo: None) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from django.contrib.auth.models import User
    from django.test import Client

    from campaigndesk.briefings.models import BriefingRead
    from campaigndesk.briefings.services import briefing_compile, briefing_publish

    manager = User.objects.get(username="hq_manager")
    briefing = briefing_compile(
        by=manager, period_start=date(2031, 1, 1), period_end=date(2031, 1, 31)
    )
    briefing_publish(briefing_id=briefing.pk, by=manager)
    for username in ("hq_manager", "sn_head"):
        client = Client()
        client.login(username=username, password="campaign-demo")
        assert client.get(f"/briefings/{briefing.pk}/").status_code == 200
    assert list(BriefingRead.objects.values_list("user__username", flat=True)) == ["sn_head"]
