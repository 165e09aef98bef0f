"""The HQ template in the admin: versions in use are frozen, new versions are copies."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigndesk.activities.models import Activity, ProposalTemplate
from campaigndesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_demo(demo: None) -> Client:
    client = Client()
    assert client.login(username="admin", password="campaign-demo")
    return client


def test_admin_pages_open(admin_client_demo: Client) -> None:
    template = ProposalTemplate.objects.get(is_current=True)
    activity = Activity.objects.first()
    assert activity is not None
    for url in [
        "/admin/",
        "/admin/org/market/",
        "/admin/org/department/",
        "/admin/auth/user/",
        "/admin/activities/proposaltemplate/",
        f"/admin/activities/proposaltemplate/{template.pk}/change/",
        f"/admin/activities/activity/{activity.pk}/change/",
        "/admin/core/auditentry/",
    ]:
        assert admin_client_demo.get(url).status_code == 200, url


def test_template_in_use_cannot_change_its_sections(admin_client_demo: Client) -> None:
    template = ProposalTemplate.objects.get(is_current=True)
    body = admin_client_demo.get(
        f"/admin/activities/proposaltemplate/{template.pk}/change/"
    ).content.decode()
    # The inline is shown read-only: no inputs for the section titles.
    assert 'name="sections-0-title"' not in body


def test_copy_then_make_current_leaves_old_proposals_on_their_version(
    admin_client_demo: Client,
) -> None:
    old = ProposalTemplate.objects.get(is_current=True)
    admin_client_demo.post(
        "/admin/activities/proposaltemplate/",
        {"action": "copy_as_new_version", "_selected_action": [old.pk]},
    )
    new = ProposalTemplate.objects.get(version=old.version + 1)
    assert new.sections.count() == old.sections.count()
    assert not new.is_current
    admin_client_demo.post(
        "/admin/activities/proposaltemplate/",
        {"action": "make_current", "_selected_action": [new.pk]},
    )
    assert ProposalTemplate.objects.get(is_current=True) == new
    assert set(Activity.objects.values_list("template__version", flat=True)) == {old.version}
    assert AuditEntry.objects.filter(action="template_make_current", object_id=new.pk).exists()


def test_new_drafts_use_the_current_version(admin_client_demo: Client, api) -> None:  # type: ignore[no-untyped-def]
    old = ProposalTemplate.objects.get(is_current=True)
    admin_client_demo.post(
        "/admin/activities/proposaltemplate/",
        {"action": "copy_as_new_version", "_selected_action": [old.pk]},
    )
    new = ProposalTemplate.objects.get(version=old.version + 1)
    new.sections.filter(key="expected").delete()
    admin_client_demo.post(
        "/admin/activities/proposaltemplate/",
        {"action": "make_current", "_selected_action": [new.pk]},
    )
    client = api("sn_head")
    created = client.post(
        "/activities",
        {
            "title": "新版本",
            "start_date": "2031-01-01",
            "end_date": "2031-01-01",
            "sections": {"expected": "x"},
        },
    )
    assert created.status_code == 422
    assert "sections.expected" in created.json()["error"]["details"]["fields"]
    old_draft = Activity.objects.filter(template=old, market__code="SN").first()
    assert old_draft is not None
    edited = client.patch(
        f"/activities/{old_draft.pk}",
        {"revision": old_draft.revision, "sections": {"expected": "x"}},
    )
    assert edited.status_code == 200
    assert edited.json()["template_version"] == old.version
