"""Hardening: login lockout (django-axes), production security settings, the CSP header, and no
inline script in any template."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from campaigndesk.conftest import ApiClient
from campaigndesk.org.tests.test_api_auth import error_of

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "campaigndesk" / "templates"

LOCKOUT = override_settings(AXES_ENABLED=True)


def page_login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def token(username: str, password: str, language: str | None = None):  # type: ignore[no-untyped-def]
    return ApiClient(language=language).post(
        "/auth/token", {"username": username, "password": password}
    )


# --- login lockout --------------------------------------------------------------------------------


@LOCKOUT
def test_five_wrong_passwords_lock_the_login_page_with_a_clear_message(demo) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(4):
        response = page_login(client, "sn_head", "wrong")
        assert response.status_code == 200  # "wrong username or password"
        assert 'data-testid="locked-out"' not in response.content.decode()
    response = page_login(client, "sn_head", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert 'data-testid="locked-out"' in html and "15" in html
    assert 'name="password"' in html  # the login page again, not a bare error
    # The right password does not help until the cool-off ends, from any browser…
    response = page_login(Client(), "sn_head", "campaign-demo")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session
    # …nor through the API, and another account is not affected.
    error_of(token("sn_head", "campaign-demo"), 429, "too_many_attempts")
    assert page_login(Client(), "sn_staff1", "campaign-demo").status_code == 302


@LOCKOUT
def test_the_api_counts_failures_too_and_answers_in_the_contract_style(demo) -> None:
    for _ in range(4):
        error_of(token("ha_head", "wrong"), 401, "not_authenticated")
    error = error_of(token("ha_head", "wrong", language="en"), 429, "too_many_attempts")
    assert "15 minutes" in error["message"]
    error_of(token("ha_head", "campaign-demo"), 429, "too_many_attempts")
    assert page_login(Client(), "ha_head", "campaign-demo").status_code == 429


@LOCKOUT
def test_a_success_resets_the_count(demo) -> None:
    client = Client()
    for _ in range(4):
        page_login(client, "sc_head", "wrong")
    assert token("sc_head", "campaign-demo").status_code == 200
    for _ in range(4):
        error_of(token("sc_head", "wrong"), 401, "not_authenticated")
    assert page_login(Client(), "sc_head", "campaign-demo").status_code == 302


def test_the_lockout_is_documented_in_the_openapi_schema(api) -> None:
    schema = api().get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "429" in operation["responses"]
    assert "too_many_attempts" in operation["description"]


def test_axes_is_off_in_tests_by_default_and_first_among_the_backends() -> None:
    assert settings.AXES_ENABLED is False
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


# --- production settings --------------------------------------------------------------------------


def test_the_deploy_check_is_clean_in_production() -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "0",
        "CAMPAIGNDESK_SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "campaigndesk.example.com",
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_read_from_the_environment() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER[0], s.X_FRAME_OPTIONS)"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "0",
        "CAMPAIGNDESK_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_SETTINGS_MODULE": "campaigndesk.settings",
        "SECURE_SSL_REDIRECT": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == [
        "True",
        "True",
        "False",
        "31536000",
        "HTTP_X_FORWARDED_PROTO",
        "DENY",
    ]


# --- Content-Security-Policy ----------------------------------------------------------------------


def test_every_response_carries_the_policy(demo, user) -> None:
    client = Client()
    anonymous = client.get(reverse("login"))
    client.force_login(user("sn_head"))
    responses = [
        anonymous,
        client.get("/activities/"),
        client.get("/no-such-page/"),
        Client().get("/api/v1/health"),
        Client().get("/api/v1/openapi.json"),
        Client().get("/api/v1/docs"),
    ]
    for response in responses:
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "'unsafe-eval'" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
    assert 'name="htmx-config"' in anonymous.content.decode()
    assert '"includeIndicatorStyles": false' in anonymous.content.decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_javascript_urls() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, re.compile(r"hx-on|javascript:", re.I)):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern.pattern}")
    assert offenders == []
