"""Conflict detection: nobody serves two published teams at overlapping times — across markets,
exact at the edges (windows that touch do not overlap), blind to unpublished teams and to
cancelled activities, and answered by one query."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.core.errors import ScheduleConflict
from campaigndesk.preparation import selectors, services
from campaigndesk.preparation.models import SupportTeam
from campaigndesk.preparation.selectors import Window
from campaigndesk.preparation.tests.test_services import approved, at, member, publish


def save(user, activity: Activity, members: list[dict]) -> SupportTeam:
    return services.support_team_save(
        activity_id=activity.pk,
        by=user("hq_manager"),
        name="",
        lead=members[0]["username"],
        members=members,
    )


def put(api, activity: Activity, members: list[dict]):
    return api("hq_manager").put(
        f"/activities/{activity.pk}/support-team",
        {
            "name": "",
            "lead": members[0]["username"],
            "members": [
                {
                    **m,
                    "depart_at": m["depart_at"].isoformat(),
                    "return_at": m["return_at"].isoformat(),
                }
                for m in members
            ],
        },
    )


@pytest.fixture
def two(user) -> tuple[Activity, Activity, datetime, datetime]:
    """A (陕西) with support_zhao published from 08:00 to 18:00 on its first day; B (河南) a week
    later, approved, without a team. Returns A, B and A's window."""
    a = approved(user, title="西安春季健康路演", market="SN", days=40)
    b = approved(user, title="郑州健康大讲堂", market="HA", days=47)
    depart, back = at(a.start_date, 8), at(a.start_date, 18)
    save(user, a, [member("support_zhao", depart, back)])
    publish(user, a)
    return a, b, depart, back


def test_an_overlap_across_markets_is_refused_and_nothing_saved(two, api) -> None:
    a, b, depart, back = two
    response = put(
        api,
        b,
        [
            member("expert_zhang", depart, back),
            member("support_zhao", depart + timedelta(hours=9), back + timedelta(days=2)),
        ],
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "schedule_conflict"
    assert [(c["username"], c["activity_id"]) for c in error["details"]["conflicts"]] == [
        ("support_zhao", a.pk)
    ]
    assert "赵磊" in error["message"] and a.title in error["message"]
    assert not SupportTeam.objects.filter(activity=b).exists()


def test_the_conflict_is_explained_in_the_callers_language(two, api) -> None:
    a, b, depart, back = two
    response = api("hq_manager", language="en").put(
        f"/activities/{b.pk}/support-team",
        {
            "lead": "support_zhao",
            "members": [
                {
                    "username": "support_zhao",
                    "role": "support",
                    "duty": "咨询",
                    "depart_at": depart.isoformat(),
                    "return_at": back.isoformat(),
                }
            ],
        },
    )
    assert response.status_code == 409, response.content
    message = response.json()["error"]["message"]
    assert "already serves" in message and a.title in message


def test_every_conflicting_member_is_named(two, user, api) -> None:
    a, b, depart, back = two
    c = approved(user, title="成都社区义诊", market="SC", days=44)
    save(user, c, [member("planner_li", depart, back)])
    publish(user, c)
    response = put(
        api, b, [member("support_zhao", depart, back), member("planner_li", depart, back)]
    )
    assert response.status_code == 409, response.content
    conflicts = response.json()["error"]["details"]["conflicts"]
    assert sorted((x["username"], x["activity_id"]) for x in conflicts) == [
        ("planner_li", c.pk),
        ("support_zhao", a.pk),
    ]


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        ((6, 0), (8, 0), False),  # returns the instant A departs
        ((18, 0), (22, 0), False),  # departs the instant A returns
        ((6, 0), (7, 0), False),  # well before
        ((6, 0), (8, 1), True),  # one minute into A's window
        ((17, 59), (22, 0), True),  # one minute before A's return
        ((10, 0), (12, 0), True),  # inside A's window
        ((6, 0), (22, 0), True),  # around A's window
    ],
    ids=["touch-before", "touch-after", "before", "1min-in", "1min-end", "inside", "around"],
)
def test_windows_overlap_only_when_they_share_time(two, api, start, end, clash: bool) -> None:
    a, b, _depart, _back = two
    day = a.start_date
    response = put(api, b, [member("support_zhao", at(day, *start), at(day, *end))])
    assert response.status_code == (409 if clash else 200), response.content
    assert SupportTeam.objects.filter(activity=b).exists() is not clash


def test_the_same_window_of_another_person_is_no_conflict(two, api) -> None:
    _a, b, depart, back = two
    assert put(api, b, [member("support_qian", depart, back)]).status_code == 200


def test_an_unpublished_team_holds_nobody(user, api) -> None:
    a = approved(user, market="SN", days=40)
    b = approved(user, title="郑州健康大讲堂", market="HA", days=47)
    depart, back = at(a.start_date, 8), at(a.start_date, 18)
    save(user, a, [member("support_zhao", depart, back)])
    assert put(api, b, [member("support_zhao", depart, back)]).status_code == 200


def test_a_cancelled_activity_releases_its_team(two, user, api) -> None:
    a, b, depart, back = two
    activities.activity_cancel(activity_id=a.pk, by=user("hq_manager"), reason="暴雨改期")
    assert put(api, b, [member("support_zhao", depart, back)]).status_code == 200


def test_a_conflict_arising_before_publishing_blocks_the_publication(user, api) -> None:
    a = approved(user, market="SN", days=40)
    b = approved(user, title="郑州健康大讲堂", market="HA", days=47)
    depart, back = at(a.start_date, 8), at(a.start_date, 18)
    save(user, a, [member("support_zhao", depart, back)])
    save(user, b, [member("support_zhao", depart, back)])  # fine: A is not published yet
    publish(user, a)
    response = api("hq_manager").post(f"/activities/{b.pk}/support-team/publish")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "schedule_conflict"
    assert [(c["username"], c["activity_id"]) for c in error["details"]["conflicts"]] == [
        ("support_zhao", a.pk)
    ]
    assert not SupportTeam.objects.get(activity=b).published


def test_a_published_team_does_not_conflict_with_itself(two, api) -> None:
    a, _b, depart, back = two
    response = put(
        api,
        a,
        [
            member("support_zhao", depart - timedelta(hours=2), back + timedelta(hours=2)),
            member("planner_li", depart, back),
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json()["published"] is True


def test_a_change_to_a_published_team_is_checked_too(two, user, api) -> None:
    a, b, depart, back = two
    save(user, b, [member("expert_zhang", depart, back)])
    publish(user, b)
    response = put(
        api, a, [member("support_zhao", depart, back), member("expert_zhang", depart, back)]
    )
    assert response.status_code == 409, response.content
    conflicts = response.json()["error"]["details"]["conflicts"]
    assert [(c["username"], c["activity_id"]) for c in conflicts] == [("expert_zhang", b.pk)]
    assert [m.user.username for m in SupportTeam.objects.get(activity=a).members.all()] == [
        "support_zhao"
    ]


def test_service_raises_schedule_conflict(two, user) -> None:
    _a, b, depart, back = two
    with pytest.raises(ScheduleConflict):
        save(user, b, [member("support_zhao", depart, back)])


@pytest.mark.parametrize("people", [1, 6])
def test_the_conflict_query_is_one_query(user, django_assert_num_queries, people: int) -> None:
    names = ["support_zhao", "support_qian", "expert_zhang", "planner_li", "hq_manager"]
    names += ["logistics_reviewer"]
    a = approved(user, market="SN", days=40)
    depart, back = at(a.start_date, 8), at(a.start_date, 18)
    save(user, a, [member(n, depart, back) for n in names[:people]])
    publish(user, a)
    ids = {u.username: u.pk for u in (user(n) for n in names)}
    windows = [Window(ids[n], depart, back) for n in names[:people]]
    # One SELECT of the members of published teams, joined to person, profile and activity.
    with django_assert_num_queries(1):
        found = list(selectors.schedule_conflicts(windows=windows, exclude_activity_id=None))
        assert {(c.user.profile.display_name, c.team.activity.title) for c in found}
    assert sorted(c.user.username for c in found) == sorted(names[:people])
    assert list(selectors.schedule_conflicts(windows=windows, exclude_activity_id=a.pk)) == []
