"""POST/DELETE /auth/token and what every other call does without a usable token."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from campaigndesk.conftest import ApiClient
from campaigndesk.org.models import ApiToken


def zh(message: str) -> str:
    """`message` as the default language (zh-hans) shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def is_chinese(text: str) -> bool:
    return re.search("[\u4e00-\u9fff]", text) is not None


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def login(username: str, password: str = "campaign-demo", language: str | None = None):
    return ApiClient(language=language).post(
        "/auth/token", {"username": username, "password": password}
    )


def test_good_credentials_give_a_token_and_the_user(demo: None) -> None:
    response = login("sn_head")

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "username": "sn_head",
        "display_name": "周海涛",
        "role": "market_head",
        "department": None,
        "market": "SN",
        "office": None,
    }
    assert body["expires_at"].endswith("+08:00")
    me = ApiClient(body["token"]).get("/me")
    assert me.status_code == 200
    assert me.json()["username"] == "sn_head"


@pytest.mark.parametrize(
    ("username", "password"), [("sn_head", "wrong-password"), ("nobody", "campaign-demo")]
)
def test_wrong_password_or_unknown_user_is_401(demo: None, username: str, password: str) -> None:
    error = error_of(login(username, password), 401, "not_authenticated")

    assert error["message"] == zh("Wrong username or password.")
    assert is_chinese(error["message"])


def test_unknown_user_and_wrong_password_read_the_same(demo: None) -> None:
    # Nobody learns from the answer which usernames exist.
    unknown = login("nobody", language="en").json()
    wrong = login("sn_head", "wrong-password", language="en").json()

    assert unknown == wrong
    assert wrong["error"]["message"] == "Wrong username or password."


def test_missing_field_is_422_naming_it(demo: None) -> None:
    response = ApiClient().post("/auth/token", {"username": "sn_head"})

    error = error_of(response, 422, "validation_error")
    assert error["details"]["fields"] == {"password": zh("This field is required.")}
    assert is_chinese(error["details"]["fields"]["password"])
    assert error["message"] == zh("Some fields are missing or out of range.")


def test_missing_field_reason_follows_accept_language(demo: None) -> None:
    response = ApiClient(language="en").post("/auth/token", {"username": "sn_head"})

    error = error_of(response, 422, "validation_error")
    assert error["details"]["fields"] == {"password": "This field is required."}
    assert error["message"] == "Some fields are missing or out of range."


def test_unparseable_json_is_400(demo: None) -> None:
    response = ApiClient(language="en").post("/auth/token", raw='{"username": "sn_head",')

    error = error_of(response, 400, "bad_request")
    assert error["message"] == "The request body is not valid JSON."


def test_wrong_json_type_is_400_naming_the_field(demo: None) -> None:
    response = ApiClient().post("/auth/token", {"username": 42, "password": "campaign-demo"})

    error = error_of(response, 400, "bad_request")
    assert set(error["details"]["fields"]) == {"username"}


def test_no_token_is_401(demo: None) -> None:
    response = ApiClient().get("/me")

    error_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Token abc", "Bearer "])
def test_bad_token_is_401(demo: None, header: str) -> None:
    client = ApiClient()
    client.headers["HTTP_AUTHORIZATION"] = header

    error_of(client.get("/activities"), 401, "not_authenticated")


def test_expired_token_is_401(demo: None) -> None:
    token = login("sn_head").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    error_of(ApiClient(token).get("/me"), 401, "not_authenticated")


def test_revoked_token_is_401_and_other_tokens_still_work(demo: None) -> None:
    first = login("sn_head").json()["token"]
    second = login("sn_head").json()["token"]

    assert ApiClient(first).delete("/auth/token").status_code == 204

    error_of(ApiClient(first).get("/me"), 401, "not_authenticated")
    assert ApiClient(second).get("/me").status_code == 200


def test_inactive_user_neither_uses_nor_gets_a_token(demo: None, user) -> None:
    token = login("sn_head").json()["token"]
    sn_head = user("sn_head")
    sn_head.is_active = False
    sn_head.save(update_fields=["is_active"])

    error_of(ApiClient(token).get("/me"), 401, "not_authenticated")
    error_of(login("sn_head"), 401, "not_authenticated")


def test_only_the_hash_of_a_token_is_stored(demo: None) -> None:
    raw = login("sn_head").json()["token"]

    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    for value in ApiToken.objects.values_list("key_hash", "prefix").get():
        assert raw not in value
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_openapi_schema_is_served_without_a_token(demo: None) -> None:
    response = ApiClient().get("/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/activities" in response.json()["paths"]
