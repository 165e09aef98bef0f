"""Every list endpoint and every page that lists things takes as many queries with 1,000 rows as
with 10 (issue 11). Each case builds 10 rows of what the list shows (`scale_builders`), counts
the queries of one request, grows the rows to 1,000 and counts again: the same number, or an
N+1 crept in. A guard fails when a GET operation or a page is added without a case here or a
reason in NOT_LISTS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from campaigndesk.api import api as ninja_api
from campaigndesk.core.tests.scale_builders import MARK, Scale
from campaigndesk.evaluation.models import Lesson

SMALL, LARGE = 10, 1000
HQ, HEAD = "hq_manager", "sn_head"


@dataclass(frozen=True)
class Case:
    """One list: who reads it, where, and how to add `n` rows of what it shows."""

    path: Callable[[Scale], str]
    rows: Callable[[Scale, int], object]
    viewers: tuple[str, ...] = (HQ,)
    setup: Callable[[Scale], None] = lambda s: None
    shows: str = MARK
    # The queries one request makes, named (a bound the small run must stay under).
    queries: str = ""
    bound: int = 30
    params: dict[str, str] = field(default_factory=dict)
    # The OpenAPI operation or URL name, when the case's name narrows it (one chart of
    # `/analytics/{chart}`, the week of the calendar).
    operation: str = ""
    # Whether `shows` is on every row (so the response holds more of it with more rows).
    grows: bool = True


def _operation(name: str, case: Case) -> str:
    return case.operation or name


def _focus(status: str, *, days: int = 2000, market: str = "SN") -> Callable[[Scale], None]:
    """A setup making `s.activity`: one activity of `market` in `status`, long enough to hold
    a thousand daily reports."""

    def setup(s: Scale) -> None:
        s.focus = s.activity(status, market=market, days=days)

    return setup


def _a(s: Scale) -> Any:
    assert s.focus is not None
    return s.focus


def _people(s: Scale, n: int) -> list[Any]:
    """`n` more people of SN, remembered so the lists built on them can grow."""
    made = s.users(n)
    s.objects.setdefault("people", []).extend(made)
    return made


def _lesson(s: Scale) -> None:
    s.focus = s.activity("archived")
    s.objects["lesson"] = Lesson.objects.create(
        activity=s.focus, text=f"{MARK} 教训", items=[MARK], sent_by=s.people[HQ]
    )


def _briefing(s: Scale) -> None:
    [s.objects["briefing"]] = s.briefings(1)


def _target(s: Scale) -> None:
    s.objects["targets"] = s.targets(1)


def _playbook(s: Scale) -> None:
    [s.objects["playbook"]] = s.playbooks(1)


def _on_site_spread(s: Scale) -> None:
    s.objects["on_site"] = s.activities(6, statuses=("on_site",), days=400)


def _finished(s: Scale, n: int) -> None:
    s.finished(n)


def _reported(s: Scale) -> None:
    """Analytics: the newest activity that has been on site, with its reports."""
    s.focus = s.activity("evaluated", start=s.today - timedelta(days=200), days=200)
    s.evaluations([s.focus])


def _overdue(s: Scale, n: int) -> None:
    """`n` overdue items spread over six activities being prepared."""
    for i, activity in enumerate(s.objects["prep"]):
        s.materials(activity, n // 6 + (i < n % 6))


SUPPORT = ("expert_zhang", "planner_li", "support_zhao", "support_qian")


def _deployed(s: Scale, n: int) -> None:
    """`n` activities of this month, each with a published team of one support member."""
    made = s.activities(n, statuses=("approved", "on_site"), start=s.today, spread=0)
    s.teams(made, [s.people[u] for u in SUPPORT])


def _overview(s: Scale, n: int) -> None:
    """What the overview shows, `n` of each: activities on the board and coming up, opinions
    owed, overdue items, individual summaries owed, lessons not acknowledged."""
    s.activities(n, start=s.today, spread=0)
    s.review_rounds(s.activities(n // 10 + 1, statuses=("in_review",)), n, opinions=False)
    for activity in s.activities(3, statuses=("approved",)):
        s.materials(activity, n // 3)
    ended = s.activities(n, statuses=("on_site",), start=s.today - timedelta(days=10))
    s.teams(ended, [s.people[u] for u in SUPPORT])
    lessons = s.activities(n, statuses=("archived",), start=s.today - timedelta(days=60))
    s.lessons(lessons, sent=timezone.now() - timedelta(days=8))


def _reports_to_attach(s: Scale) -> None:
    """An on-site activity with five daily reports to attach photos to."""
    s.focus = s.activity("on_site", days=10)
    s.daily_reports([s.focus], 5)


def _budgets(s: Scale) -> None:
    for code in ("SN", "HA"):
        s.budget(code, s.today.year)


def _inboxes(s: Scale, n: int) -> None:
    s.notifications(HQ, n)
    s.notifications(HEAD, n)


def _finished_and_reported(s: Scale, n: int) -> None:
    s.finished(n)
    s.daily_reports([_a(s)], n)


def _bots(s: Scale, n: int) -> None:
    """`n` more group bots, and `n` deliveries spread over them."""
    s.objects["targets"].extend(s.targets(n))
    s.deliveries(s.objects["targets"], n)


API: dict[str, Case] = {
    # Every endpoint starts with "token+user": the bearer token with its user and profile, one
    # query. `queries` names the rest; "activity (3)" is activity_get: the activity with its
    # market, creator and template, its budget lines, the template's sections.
    "GET /activities": Case(
        path=lambda s: "/activities",
        rows=lambda s, n: s.activities(n),
        viewers=(HQ, HEAD),
        queries="token+user, count, page with market/creator/template, budget lines",
    ),
    "GET /activities/{activity_id}/history": Case(
        setup=_focus("draft"),
        path=lambda s: f"/activities/{_a(s).pk}/history",
        rows=lambda s, n: s.audit_entries(_a(s), n),
        queries="token+user, activity + budget lines + sections, entries with actors",
    ),
    "GET /activities/{activity_id}/versions": Case(
        setup=_focus("resubmitted"),
        path=lambda s: f"/activities/{_a(s).pk}/versions",
        rows=lambda s, n: s.versions(_a(s), n),
        shows="submitted_by",
        queries="token+user, activity + budget lines + sections, versions with submitters",
    ),
    "GET /activities/{activity_id}/opinions": Case(
        setup=_focus("in_review"),
        path=lambda s: f"/activities/{_a(s).pk}/opinions",
        rows=lambda s, n: s.review_rounds([_a(s)], n),
        queries="token+user, activity (3), rounds, departments, opinions, their items",
    ),
    "GET /activities/{activity_id}/reviews": Case(
        setup=_focus("in_review"),
        path=lambda s: f"/activities/{_a(s).pk}/reviews",
        rows=lambda s, n: s.review_rounds([_a(s)], n),
        shows="planning",
        queries="token+user, activity (3), rounds, departments, opinions, their items",
    ),
    "GET /reviews/mine": Case(
        setup=lambda s: s.objects.update(mine=s.activities(20, statuses=("in_review",))),
        path=lambda s: "/reviews/mine",
        rows=lambda s, n: s.review_rounds(s.objects["mine"], n),
        viewers=("planning_reviewer",),
        queries="token+user, delegations, 100 newest rounds, departments, opinions",
    ),
    "GET /activities/{activity_id}/materials": Case(
        setup=_focus("approved"),
        path=lambda s: f"/activities/{_a(s).pk}/materials",
        rows=lambda s, n: s.materials(_a(s), n),
        queries="token+user, activity (3), materials with departments",
    ),
    "GET /me/assignments": Case(
        path=lambda s: "/me/assignments",
        rows=lambda s, n: s.assignments("expert_zhang", n),
        viewers=("expert_zhang",),
        queries="token+user, memberships with activity, market, lead, material counts",
    ),
    "GET /activities/{activity_id}/support-team": Case(
        setup=_focus("approved"),
        path=lambda s: f"/activities/{_a(s).pk}/support-team",
        rows=lambda s, n: s.team(_a(s), _people(s, n)),
        queries="token+user, activity (3), team with lead, members with people",
    ),
    "GET /activities/{activity_id}/meetings": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/activities/{_a(s).pk}/meetings",
        rows=lambda s, n: s.meetings(_a(s), n),
        queries="token+user, activity (3), meetings, attendees, tasks with office/assignee",
    ),
    "GET /activities/{activity_id}/daily-reports": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/activities/{_a(s).pk}/daily-reports",
        rows=lambda s, n: s.daily_reports([_a(s)], n),
        queries="token+user, activity (3), totals, reports with reporters",
    ),
    "GET /activities/{activity_id}/summaries": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/activities/{_a(s).pk}/summaries",
        rows=lambda s, n: s.summaries(_a(s), _people(s, n)),
        queries="token+user, activity (3), summaries with authors, team, attendees",
    ),
    "GET /competitors": Case(
        setup=_on_site_spread,
        path=lambda s: "/competitors",
        rows=lambda s, n: s.daily_reports(s.objects["on_site"], n),
        viewers=(HQ, HEAD),
        queries="token+user, 50 newest reports with activity and market",
    ),
    "GET /activities/{activity_id}/lessons": Case(
        setup=_lesson,
        path=lambda s: f"/activities/{_a(s).pk}/lessons",
        rows=lambda s, n: s.lesson_acks(s.objects["lesson"], _people(s, n)),
        queries="token+user, activity (3), lesson, acknowledgements, the market's people",
    ),
    "GET /briefings": Case(
        path=lambda s: "/briefings",
        rows=lambda s, n: s.briefings(n),
        viewers=(HQ, HEAD),
        queries="token+user, 200 newest briefings",
    ),
    "GET /briefings/{briefing_id}": Case(
        setup=_briefing,
        path=lambda s: f"/briefings/{s.objects['briefing'].pk}",
        rows=lambda s, n: s.briefing_reads(s.objects["briefing"], _people(s, n)),
        queries="token+user, briefing, entries with markets, reads with readers",
    ),
    "GET /playbooks": Case(
        path=lambda s: "/playbooks",
        rows=lambda s, n: s.playbooks(n),
        viewers=(HQ, HEAD),
        queries="token+user, 200 newest playbooks with market and copy count",
    ),
    "GET /search": Case(
        path=lambda s: "/search",
        params={"q": "竞品"},
        rows=lambda s, n: s.search_documents(n),
        viewers=(HQ, HEAD),
        queries="token+user, count, the page",
    ),
    "GET /exports": Case(
        path=lambda s: "/exports",
        rows=lambda s, n: s.export_jobs(HQ, n),
        shows="market_daily_reports",
        queries="token+user, 50 newest jobs",
    ),
    "GET /activities/{activity_id}/daily-reports/export.xlsx": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/activities/{_a(s).pk}/daily-reports/export.xlsx",
        rows=lambda s, n: s.daily_reports([_a(s)], n),
        shows="",
        queries="token+user, activity (3), reports with reporters",
    ),
    "GET /activities/{activity_id}/export.docx": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/export.docx",
        rows=lambda s, n: s.review_rounds([_a(s)], n),
        shows="",
        queries="token+user, activity (3), rounds, departments, opinions, items, names",
    ),
    "GET /activities/{activity_id}/evaluation/export.xlsx": Case(
        setup=_focus("wrapped_up", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/evaluation/export.xlsx",
        rows=lambda s, n: s.costs(_a(s), n),
        shows="",
        queries="token+user, activity (3), evaluation, its cost lines",
    ),
    "GET /notifications": Case(
        path=lambda s: "/notifications",
        rows=_inboxes,
        queries="token+user, count, the page, unread count",
    ),
    "GET /notification-targets": Case(
        path=lambda s: "/notification-targets",
        rows=lambda s, n: s.targets(n),
        queries="token+user, targets with markets",
    ),
    "GET /notification-targets/{target_id}/deliveries": Case(
        setup=_target,
        path=lambda s: f"/notification-targets/{s.objects['targets'][0].pk}/deliveries",
        rows=lambda s, n: s.deliveries(s.objects["targets"], n),
        shows="sent",
        queries="token+user, target, 200 newest deliveries",
    ),
    "GET /activities/{activity_id}/attachments": Case(
        setup=_reports_to_attach,
        path=lambda s: f"/activities/{_a(s).pk}/attachments",
        rows=lambda s, n: s.attachments(_a(s), n),
        queries="token+user, activity (3), files with uploaders",
    ),
    "GET /markets/{code}/budget": Case(
        setup=_budgets,
        path=lambda s: "/markets/SN/budget",
        rows=lambda s, n: s.spending(n, markets=("SN",)),
        viewers=(HQ, HEAD),
        queries="token+user, market, budget, caps, counted activities, their lines",
    ),
    "GET /budgets": Case(
        setup=_budgets,
        path=lambda s: "/budgets",
        rows=lambda s, n: s.spending(n),
        viewers=(HQ, HEAD),
        queries="token+user, markets, budgets, caps, counted activities, their lines",
    ),
    "GET /markets/{code}/people": Case(
        path=lambda s: "/markets/SN/people",
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HQ, HEAD),
        queries="token+user, market, the market's people with offices",
    ),
    "GET /markets": Case(
        path=lambda s: "/markets",
        rows=lambda s, n: s.offices("SN", n),
        viewers=(HQ, HEAD),
        shows="S",
        queries="token+user, markets with heads, offices, their heads",
    ),
    "GET /departments": Case(
        path=lambda s: "/departments",
        rows=lambda s, n: s.more_departments(n),
        queries="token+user, departments",
    ),
}
for _chart in ("roi-by-market", "roi-over-time", "attainment", "budget-vs-actual"):
    # Attainment lists each activity; the other tables sum them by market, month or category.
    API[f"GET /analytics/{_chart}"] = Case(
        path=lambda s, c=_chart: f"/analytics/{c}",  # type: ignore[misc]
        rows=_finished,
        viewers=(HQ, HEAD),
        shows=MARK if _chart == "attainment" else "rows",
        grows=_chart == "attainment",
        queries="token+user, markets, finished activities, budget lines, costs",
        operation="GET /analytics/{chart}",
    )
API["GET /analytics/daily-visitors"] = Case(
    setup=_reported,
    path=lambda s: "/analytics/daily-visitors",
    rows=lambda s, n: s.daily_reports([_a(s)], n),
    viewers=(HQ, HEAD),
    shows="rows",
    grows=False,  # a row per day of the activity, reported or not
    queries="token+user, activities that have been on site, the first one's reports",
    operation="GET /analytics/{chart}",
)

PAGES: dict[str, Case] = {
    # Every page starts with the session and the user (2) and, when it extends the base
    # template, the header's unread count and today's delegations (2): "session, user, header".
    "activities:detail (attachments)": Case(
        setup=_reports_to_attach,
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.attachments(_a(s), n),
        viewers=(HQ, HEAD),
        queries="the detail page's pinned panels; the attachment panel's one query",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (materials)": Case(
        setup=_focus("on_site", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.materials(_a(s), n),
        queries="the detail page's pinned panels; materials with departments",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (meetings)": Case(
        setup=_focus("on_site", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.meetings(_a(s), n),
        shows='data-testid="meeting"',
        queries="the detail page's pinned panels; meetings, attendees, tasks",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (daily reports)": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.daily_reports([_a(s)], n),
        shows='text-decoration-none" href="/onsite/activities/',
        queries="the detail page's pinned panels; reports, totals",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (summaries)": Case(
        setup=_focus("on_site", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.summaries(_a(s), _people(s, n)),
        queries="the detail page's pinned panels; summaries with authors, who owes one",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (team)": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.team(_a(s), _people(s, n)),
        queries="the detail page's pinned panels; the team with its members",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (review rounds)": Case(
        setup=_focus("in_review", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.review_rounds([_a(s)], n),
        queries="the detail page's pinned panels; rounds, departments, opinions, items",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (costs)": Case(
        setup=_focus("wrapped_up", days=10),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.costs(_a(s), n),
        shows="",
        queries="the detail page's pinned panels; the evaluation with its cost lines",
        bound=80,
        operation="activities:detail",
    ),
    "activities:detail (history)": Case(
        setup=_focus("draft"),
        path=lambda s: f"/activities/{_a(s).pk}/",
        rows=lambda s, n: s.audit_entries(_a(s), n),
        queries="the detail page's pinned panels; the history with actors",
        bound=80,
        operation="activities:detail",
    ),
    "finance:overview": Case(
        setup=_budgets,
        path=lambda s: "/finance/",
        rows=lambda s, n: s.spending(n),
        viewers=(HQ, "finance_reviewer"),
        shows="SN",
        grows=False,  # a row per market
        queries="session, user, header, markets, budgets, caps, counted activities, lines",
    ),
    "finance:market": Case(
        setup=_budgets,
        path=lambda s: "/finance/markets/SN/",
        rows=lambda s, n: s.spending(n, markets=("SN",)),
        viewers=(HQ, HEAD),
        queries="session, user, header, market, budget, caps, counted activities, lines",
    ),
    "org:people": Case(
        path=lambda s: "/people/",
        params={"market": "SN"},
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HQ, HEAD),
        queries="session, user, header, market, offices, the market's people",
    ),
    "evaluation:lessons": Case(
        setup=_lesson,
        path=lambda s: f"/evaluation/activities/{_a(s).pk}/lessons/",
        rows=lambda s, n: s.lesson_acks(s.objects["lesson"], _people(s, n)),
        queries="session, user, header, activity (3), lesson, acknowledgements, people",
    ),
    "preparation:team": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/preparation/activities/{_a(s).pk}/team/",
        rows=lambda s, n: s.team(_a(s), _people(s, n)),
        queries="session, user, header, activity (3), team, members, HQ staff, conflicts",
    ),
    "onsite:meeting": Case(
        setup=_focus("on_site", days=10),
        path=lambda s: f"/onsite/activities/{_a(s).pk}/meetings/new/",
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HEAD,),
        queries="session, user, header, activity (3), the market's people and offices",
    ),
    "reviews:delegation": Case(
        path=lambda s: "/reviews/delegation/",
        rows=lambda s, n: s.users(n, market="", role="reviewer", department="planning"),
        viewers=("planning_reviewer",),
        queries="session, user, header, delegation, the department's colleagues",
    ),
    "reviews:resubmit": Case(
        setup=_focus("revision_requested", days=10),
        path=lambda s: f"/reviews/activities/{_a(s).pk}/resubmit/",
        rows=lambda s, n: s.opinion_items(_a(s), n),
        viewers=(HEAD,),
        queries="session, user, header, activity (3), rounds, departments, opinions, items",
    ),
    "evaluation:costs": Case(
        setup=_focus("wrapped_up", days=10),
        path=lambda s: f"/evaluation/activities/{_a(s).pk}/costs/",
        rows=lambda s, n: s.costs(_a(s), n),
        viewers=(HQ, "finance_reviewer"),
        shows="",
        queries="session, user, header, activity (3), evaluation, its lines, their receipts",
    ),
    "onsite:task_row": Case(
        setup=_focus("on_site", days=10),
        path=lambda s: f"/onsite/activities/{_a(s).pk}/meetings/task-row/",
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HEAD,),
        queries="session, user, activity (3), the market's people, offices",
    ),
    "reviews:staffing_row": Case(
        setup=_focus("revision_requested", days=10),
        path=lambda s: f"/reviews/activities/{_a(s).pk}/staffing-row/",
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HEAD,),
        queries="session, user, activity (3), the market's people",
    ),
    "reviews:resubmit (people)": Case(
        setup=_focus("revision_requested", days=10),
        path=lambda s: f"/reviews/activities/{_a(s).pk}/resubmit/",
        rows=lambda s, n: s.users(n, office="XA"),
        viewers=(HEAD,),
        queries="session, user, header, activity (3), rounds, the market's people",
        operation="reviews:resubmit",
    ),
    "preparation:member_row": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/preparation/activities/{_a(s).pk}/team/member-row/",
        rows=lambda s, n: s.users(n, market="", role="support_member"),
        queries="session, user, activity (3), HQ staff with departments",
    ),
    "preparation:team (staff)": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/preparation/activities/{_a(s).pk}/team/",
        rows=lambda s, n: s.users(n, market="", role="support_member"),
        queries="session, user, header, activity (3), team, HQ staff with departments",
        operation="preparation:team",
    ),
    "activities:list": Case(
        path=lambda s: "/activities/",
        rows=lambda s, n: s.activities(n),
        viewers=(HQ, HEAD),
        queries="session, user, header (2), markets for the filter, count, page, budget lines",
    ),
    "activities:versions": Case(
        setup=_focus("resubmitted"),
        path=lambda s: f"/activities/{_a(s).pk}/versions/",
        rows=lambda s, n: s.versions(_a(s), n),
        shows="v",
        queries="session, user, header, activity (3), versions, the two compared",
    ),
    "reviews:mine": Case(
        setup=lambda s: s.objects.update(mine=s.activities(20, statuses=("in_review",))),
        path=lambda s: "/reviews/mine/",
        rows=lambda s, n: s.review_rounds(s.objects["mine"], n),
        viewers=("planning_reviewer",),
        queries="session, user, header, delegations, 100 newest rounds, departments, opinions",
    ),
    "preparation:assignments": Case(
        path=lambda s: "/preparation/assignments/",
        rows=lambda s, n: s.assignments("expert_zhang", n),
        viewers=("expert_zhang",),
        queries="session, user, header, memberships with activity, lead, material counts",
    ),
    "preparation:overdue": Case(
        setup=lambda s: s.objects.update(prep=s.activities(6, statuses=("approved",))),
        path=lambda s: "/preparation/materials/overdue/",
        rows=_overdue,
        viewers=(HQ, HEAD),
        queries="session, user, header, 500 oldest overdue items with activity, department",
    ),
    "onsite:tasks": Case(
        setup=_focus("on_site"),
        path=lambda s: "/onsite/tasks/",
        rows=lambda s, n: s.tasks(_a(s), n),
        viewers=("sn_xa_head",),
        queries="session, user, header, tasks with activity, office, assignee, meeting",
    ),
    "onsite:competitors": Case(
        setup=_on_site_spread,
        path=lambda s: "/onsite/competitors/",
        rows=lambda s, n: s.daily_reports(s.objects["on_site"], n),
        viewers=(HQ, HEAD),
        queries="session, user, header, markets for the filter, count, the page",
    ),
    "onsite:reports": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/onsite/activities/{_a(s).pk}/reports/",
        rows=lambda s, n: s.daily_reports([_a(s)], n),
        queries="session, user, header, activity (3), reports with reporters, totals",
    ),
    "exports:daily_reports": Case(
        setup=_focus("on_site"),
        path=lambda s: f"/exports/activities/{_a(s).pk}/daily-reports.xlsx",
        rows=lambda s, n: s.daily_reports([_a(s)], n),
        shows="",
        queries="session, user, activity (3), reports with reporters",
    ),
    "exports:proposal": Case(
        setup=_focus("approved", days=10),
        path=lambda s: f"/exports/activities/{_a(s).pk}/proposal.docx",
        rows=lambda s, n: s.review_rounds([_a(s)], n),
        shows="",
        queries="session, user, activity (3), rounds, departments, opinions, items, names",
    ),
    "exports:evaluation": Case(
        setup=_focus("wrapped_up", days=10),
        path=lambda s: f"/exports/activities/{_a(s).pk}/evaluation.xlsx",
        rows=lambda s, n: s.costs(_a(s), n),
        shows="",
        queries="session, user, activity (3), evaluation, its cost lines",
    ),
    "briefings:list": Case(
        path=lambda s: "/briefings/",
        rows=lambda s, n: s.briefings(n),
        viewers=(HQ, HEAD),
        queries="session, user, header, 100 newest briefings",
    ),
    "briefings:detail": Case(
        setup=_briefing,
        path=lambda s: f"/briefings/{s.objects['briefing'].pk}/",
        rows=lambda s, n: s.briefing_reads(s.objects["briefing"], _people(s, n)),
        queries="session, user, header, briefing, entries, reads with readers",
    ),
    "dashboard:overview": Case(
        path=lambda s: "/dashboard/",
        rows=_overview,
        viewers=(HQ, HEAD),
        queries="session, user, header, board (2), owed (~5), upcoming, figures (4)",
        bound=40,
    ),
    "dashboard:calendar": Case(
        path=lambda s: "/dashboard/calendar/",
        rows=_deployed,
        viewers=(HQ, HEAD),
        queries="session, user, header, 500 activities of the month, deployments",
    ),
    "dashboard:calendar (week)": Case(
        path=lambda s: "/dashboard/calendar/",
        params={"week": "today"},
        rows=_deployed,
        viewers=(HQ,),
        queries="session, user, header, 500 activities of the week, deployments",
        operation="dashboard:calendar",
    ),
    "dashboard:playbooks": Case(
        path=lambda s: "/dashboard/playbooks/",
        rows=lambda s, n: s.playbooks(n),
        viewers=(HQ, HEAD),
        queries="session, user, header, 100 playbooks, budget lines, costs",
    ),
    "dashboard:playbook": Case(
        setup=_playbook,
        path=lambda s: f"/dashboard/playbooks/{s.objects['playbook'].pk}/",
        rows=lambda s, n: s.copies(s.objects["playbook"], n),
        viewers=(HQ, HEAD),
        queries="session, user, header, playbook (3), copies (3)",
    ),
    "search:results": Case(
        path=lambda s: "/search/",
        params={"q": "竞品"},
        rows=lambda s, n: s.search_documents(n),
        viewers=(HQ, HEAD),
        queries="session, user, header, count, the page",
    ),
    "exports:jobs": Case(
        path=lambda s: "/exports/",
        rows=lambda s, n: s.export_jobs(HQ, n),
        shows="exports/jobs/",
        queries="session, user, header, markets for the form, 50 newest jobs",
    ),
    "analytics:index": Case(
        setup=_reported,
        path=lambda s: "/analytics/",
        rows=_finished_and_reported,
        viewers=(HQ, HEAD),
        shows="",
        queries="session, user, header, markets, finished (3), choices, reports, filter",
    ),
    "analytics:xlsx": Case(
        setup=_reported,
        path=lambda s: "/analytics/roi-by-market.xlsx",
        rows=_finished,
        viewers=(HQ, HEAD),
        shows="",
        grows=False,  # a row per market
        queries="session, user, markets, finished activities (3)",
    ),
    "notifications:inbox": Case(
        path=lambda s: "/inbox/",
        rows=lambda s, n: s.notifications(HQ, n),
        viewers=(HQ,),
        queries="session, user, header, count, the page",
    ),
    "notifications:targets": Case(
        setup=_target,
        path=lambda s: "/inbox/targets/",
        rows=_bots,
        queries="session, user, header, targets, ten newest deliveries each, markets",
    ),
}

# GET operations and pages that are not lists, and why.
NOT_LISTS = {
    # API
    "GET /health": "no database",
    "GET /me": "one person",
    "GET /me/delegation": "one delegation",
    "GET /templates/current": "one template: its sections are HQ's fixed form",
    "GET /activities/{activity_id}": "one activity",
    "GET /activities/{activity_id}/versions/{version}/diff": "two versions compared",
    "GET /activities/{activity_id}/wrap-up": "a fixed checklist of nine items",
    "GET /activities/{activity_id}/evaluation": "one evaluation (a handful of cost lines)",
    "GET /activities/{activity_id}/archive": "one archive",
    "GET /activities/{activity_id}/archive/download": "one file",
    "GET /activities/{activity_id}/reference-pack": "two earlier activities",
    "GET /briefings/{briefing_id}/export.docx": "one document (one entry per market)",
    "GET /exports/{job_id}": "one job",
    "GET /exports/{job_id}/download": "one file",
    "GET /attachments/{attachment_id}/download": "one file",
    "GET /attachments/{attachment_id}/thumbnail": "one file",
    # pages
    "login": "a form",
    "logout": "a redirect",
    "set_language": "a redirect",
    "home": "a redirect",
    "activities:create": "a form",
    "activities:budget_line": "one form row",
    "activities:detail": "one activity: its exact counts are pinned in onsite/evaluation tests",
    "activities:edit": "a form",
    "activities:cancel": "a form",
    "activities:submit": "an action",
    "activities:lead_time_exception": "an action",
    "activities:decide": "an action",
    "reviews:open": "a form",
    "reviews:return": "a form",
    "reviews:opinion": "a form",
    "reviews:opinion_item": "one form row",
    "preparation:team_check": "a conflict check (one query, pinned in test_conflicts)",
    "preparation:publish": "an action",
    "preparation:material_add": "a form",
    "preparation:material_update": "an action",
    "preparation:start_onsite": "an action",
    "onsite:schedule_row": "one form row",
    "onsite:report_new": "a form",
    "onsite:report_edit": "a form",
    "onsite:summary": "a form",
    "onsite:wrap_up": "a fixed checklist",
    "evaluation:evaluate": "a form",
    "evaluation:archive": "an action",
    "evaluation:download": "one file",
    "evaluation:ack": "an action",
    "evaluation:verify_cost": "an action",
    "briefings:publish": "an action",
    "briefings:export": "one document",
    "dashboard:mark_playbook": "an action",
    "exports:job": "one job's row",
    "exports:download": "one file",
    "notifications:open": "a redirect",
    "notifications:read_all": "an action",
    "notifications:badge": "one count",
    "notifications:settings": "a form",
    "attachments:upload": "an action (its list is the activity page's panel)",
    "attachments:download": "one file",
    "attachments:thumbnail": "one file",
    "attachments:delete": "an action",
    "finance:edit": "a form (one row per budget category)",
    "finance:signoff": "an action",
    "org:person_edit": "a form",
    "org:person_active": "an action",
    "org:password_change": "a form",
}


def _measure(
    client: Any, url: str, params: dict[str, str], capture: Any, bound: int
) -> tuple[int, bytes]:
    with capture(bound) as run:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return len(run.captured_queries), response.content


def _params(s: Scale, case: Case) -> dict[str, str]:
    return {k: (s.today.isoformat() if v == "today" else v) for k, v in case.params.items()}


def _run(case: Case, viewer: str, client: Any, capture: Any) -> tuple[int, int]:
    s = Scale()
    case.setup(s)
    case.rows(s, SMALL)
    url = case.path(s)
    small, body = _measure(client, url, _params(s, case), capture, case.bound)
    assert case.shows.encode() in body, f"{url}: the built rows are not shown"
    shown = body.count(case.shows.encode())
    case.rows(s, LARGE - SMALL)
    large, body = _measure(client, url, _params(s, case), capture, case.bound)
    if case.grows:
        # More of the built rows are listed now (a page of 20 holds more than 10).
        assert body.count(case.shows.encode()) > shown, f"{url}: the rows added are not shown"
    return small, large


@pytest.mark.parametrize(
    "name,viewer", [(name, v) for name, case in sorted(API.items()) for v in case.viewers]
)
def test_an_endpoint_takes_as_many_queries_with_1000_rows_as_with_10(
    name: str, viewer: str, api: Any, django_assert_max_num_queries: Any
) -> None:
    case = API[name]
    client = api(viewer)
    small, large = _run(case, viewer, client, django_assert_max_num_queries)
    assert large == small, f"{name}: {small} queries with {SMALL} rows, {large} with {LARGE}"


@pytest.mark.parametrize(
    "name,viewer", [(name, v) for name, case in sorted(PAGES.items()) for v in case.viewers]
)
def test_a_page_takes_as_many_queries_with_1000_rows_as_with_10(
    name: str, viewer: str, demo: None, user: Any, django_assert_max_num_queries: Any
) -> None:
    case = PAGES[name]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user(viewer))
    small, large = _run(case, viewer, client, django_assert_max_num_queries)
    assert large == small, f"{name}: {small} queries with {SMALL} rows, {large} with {LARGE}"


def _get_operations() -> set[str]:
    schema = ninja_api.get_openapi_schema()
    return {
        f"GET {path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        if "get" in operations
    }


def _page_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin", "api"):
                    continue
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), None)
    return names


def test_every_list_endpoint_and_page_has_a_case() -> None:
    """A new GET operation or page needs a case above (a list) or a reason in NOT_LISTS."""
    cases = {_operation(n, c) for n, c in (API | PAGES).items()}
    known = cases | set(NOT_LISTS)
    operations, pages = _get_operations(), _page_names()
    assert operations - known == set(), "add a case to API, or a reason to NOT_LISTS"
    assert pages - known == set(), "add a case to PAGES, or a reason to NOT_LISTS"
    # and no case or reason names something that is gone
    assert known - operations - pages == set()
