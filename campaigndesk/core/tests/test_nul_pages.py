"""A NUL character in a page's query or form is a clear 400 on every database (PostgreSQL
cannot compare text holding one: it was a 500 there)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/activities/?market=S%00N", "/analytics/?market=S%00N", "/search/?q=%E4%B9%89%00"],
)
def test_a_nul_in_the_query_is_a_400_page_in_chinese(client, demo: None, user, path: str) -> None:
    client.force_login(user("hq_manager"))
    response = client.get(path)
    assert response.status_code == 400
    assert "文本不能包含空字符" in response.content.decode()


def test_a_nul_in_a_form_field_is_refused_before_it_reaches_the_database(
    client, demo: None, user
) -> None:
    client.force_login(user("hq_manager"))
    # As a browser sends a form (the test client's default is multipart).
    response = client.post(
        "/inbox/read-all/", "next=%2F%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_ordinary_queries_still_pass(client, demo: None, user) -> None:
    client.force_login(user("hq_manager"))
    assert client.get("/activities/?market=SN").status_code == 200
