# ruff: noqa: E501  (the rows are a table: one line per operation, one column per role)
"""Who is let in: every API operation by role × scope, with the status each must answer.

Read a row as a line of a table. The columns are the roles of `matrix_world.ROLE_USERS`:

    AD admin · HM hq_manager · PL MK LG FI the planning, marketing, logistics and finance
    reviewers · SO a support member on the activity's team · SF one off it · MH OH MS the
    market head, an office head and a staff member of SN

`own` is the status when the row's object is SN's (for HQ-level objects: the object itself;
for notifications and export jobs: the caller's own, resp. sn_head's job). `other` is the
status when the object belongs to another market, HA (notifications: someone else's); `.`
means the cell is not generated (HQ roles see every market, so their "other" equals "own").

Codes: 200/201/204 done · 403 refused (visible, not allowed) · 404 not there for the caller
(another market's object, someone else's notification or export) · 409/422 let in, and the
state or the input decided · `in` let in, whatever the state decides (2xx, 409 or 422: rows
written from the contract before the endpoint existed).

`on` names the object: an activity status of `matrix_world.STATES` (SN's or HA's activity in
it), `hq` (no object or an HQ one), `briefing:<draft|published>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from campaigndesk.core.tests.matrix_world import (
    HA_WORD,
    OTHER,
    OWN,
    ROLE_USERS,
    ROLES,
    STATES,
    World,
)

Body = Callable[[World, str, str], Any] | dict[str, Any] | None

#           AD  HM  PL  MK  LG  FI  SO  SF  MH  OH  MS
ALL_200 = "200 200 200 200 200 200 200 200 200 200 200"
MARKET_404 = "  .   .   .   .   .   .   .   . 404 404 404"
MARKET_200 = "  .   .   .   .   .   .   .   . 200 200 200"
NONE = "  .   .   .   .   .   .   .   .   .   .   ."
HQ_404 = "200 200 200 200 200 200 200 200 404 404 404"


@dataclass(frozen=True)
class Row:
    op: str
    on: str
    own: str
    other: str = MARKET_404
    body: Body = None
    query: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    # The rows of endpoints other engineers are building: skipped while the route is missing.
    pending: bool = False
    # Responses that may show another market's data by design (playbooks are shared).
    shared: bool = False
    variant: str = ""
    # Sent as multipart with a small JPEG as `file` (uploads).
    multipart: bool = False

    @property
    def method(self) -> str:
        return self.op.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.op.split(" ", 1)[1]

    def expected(self, role: str, scope: str) -> str:
        codes = (self.own if scope == "own" else self.other).split()
        assert len(codes) == len(ROLES), self
        return codes[ROLES.index(role)]


def _today() -> Any:
    return timezone.localdate()


def _iso(days: int) -> str:
    return (_today() + timedelta(days=days)).isoformat()


def _activity_in(w: World, m: str, u: str) -> dict[str, Any]:
    return {"title": "矩阵新方案", "start_date": _iso(90), "end_date": _iso(91)}


def _patch(w: World, m: str, u: str) -> dict[str, Any]:
    return {"revision": w.activity("draft", m).revision, "title": "改过的标题"}


def _resubmit(w: World, m: str, u: str) -> dict[str, Any]:
    from campaigndesk.reviews.models import OpinionItem

    activity = w.activity("revision_requested", m)
    items = OpinionItem.objects.filter(opinion__round__activity=activity)
    return {
        "staffing": [{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        "responses": [{"item_id": i.pk, "response": "已细化"} for i in items],
    }


def _opinion_own_department(w: World, m: str, u: str) -> dict[str, Any]:
    profile = getattr(w.people[u], "profile", None)
    department = profile.department.code if profile and profile.department else "planning"
    return {"department": department, "items": []}


def _team(w: World, m: str, u: str) -> dict[str, Any]:
    activity = w.activity("approved", m)
    member = "expert_zhang" if m == "SN" else "planner_li"
    return {
        "name": "",
        "lead": member,
        "members": [
            {
                "username": member,
                "role": "expert",
                "duty": "现场支持",
                "depart_at": f"{activity.start_date - timedelta(days=1)}T08:00:00+08:00",
                "return_at": f"{activity.end_date + timedelta(days=1)}T18:00:00+08:00",
            }
        ],
    }


def _material(w: World, m: str, u: str) -> dict[str, Any]:
    return {
        "name": "易拉宝",
        "quantity": "10",
        "unit": "个",
        "owner_department": "logistics",
        "due_date": _iso(50),
    }


def _report(w: World, m: str, u: str) -> dict[str, Any]:
    day = w.activity("on_site", m).start_date + timedelta(days=1)
    return {"date": day.isoformat(), "visitors": 20, "progress": "顺利"}


def _evaluation(w: World, m: str, u: str) -> dict[str, Any]:
    return {
        "costs": [{"category": "venue", "amount": "900.00"}],
        "sales": "1000.00",
        "attendance": 100,
        "leads": 10,
        "new_customers": 3,
        "notes": "",
    }


def _playbook(w: World, m: str, u: str) -> dict[str, Any]:
    return {"activity_id": w.activity("archived_free", "SN").pk, "title": "新样板"}


def _clone(w: World, m: str, u: str) -> dict[str, Any]:
    return {"title": "照样板办", "start_date": _iso(90), "end_date": _iso(91)}


def _export_job(w: World, m: str, u: str) -> dict[str, Any]:
    return {"date_from": _iso(-60), "date_to": _iso(0), "market": m}


def _target(w: World, m: str, u: str) -> dict[str, Any]:
    return {
        "kind": "wecom",
        "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new",
        "market": m,
        "notification_kinds": ["reminder"],
    }


def _token(w: World, m: str, u: str) -> dict[str, Any]:
    return {"username": u, "password": "campaign-demo"}


def _budget(w: World, m: str, u: str) -> dict[str, Any]:
    return {"year": _today().year, "total": "500000.00", "caps": []}


def _person(w: World, m: str, u: str) -> dict[str, Any]:
    return {
        "username": "matrix_newcomer",
        "display_name": "新同事",
        "role": "market_staff",
        "office": "XA" if m == "SN" else None,
        "password": "Matrix-Pass-2026!",
    }


MARKET = {"market": "{market}"}
YEAR = {"year": "{year}"}

# fmt: off
API_ROWS: list[Row] = [
    # --- auth and organisation -------------------------------------------------------------------
    #                                                             AD  HM  PL  MK  LG  FI  SO  SF  MH  OH  MS
    Row("GET /health", "hq",                                ALL_200, NONE),
    Row("POST /auth/token", "hq",                           ALL_200, NONE, body=_token),
    Row("DELETE /auth/token", "hq",                        "204 204 204 204 204 204 204 204 204 204 204", NONE),
    Row("GET /me", "hq",                                    ALL_200, NONE),
    Row("GET /markets", "hq",                               ALL_200, NONE),
    Row("GET /departments", "hq",                           ALL_200, NONE),
    Row("GET /me/delegation", "hq",                         ALL_200, NONE),
    # Only to a colleague of the same department: finance may, the other reviewers name
    # someone outside theirs (422), nobody else delegates (403).
    Row("PUT /me/delegation", "hq",                        "403 403 422 422 422 200 403 403 403 403 403", NONE,
        body={"delegate": "finance_reviewer2", "start_date": _iso(0), "end_date": _iso(5)}),
    Row("DELETE /me/delegation", "hq",                     "403 403 204 204 204 204 403 403 403 403 403", NONE),
    Row("GET /templates/current", "hq",                     ALL_200, NONE),
    # --- activities ------------------------------------------------------------------------------
    # ?market=HA as an SN person: 200 with nothing of HA (the leak check reads the body).
    Row("GET /activities", "hq",                            ALL_200, MARKET_200, query=MARKET),
    Row("POST /activities", "hq",                          "403 403 403 403 403 403 403 403 201 403 403", NONE, body=_activity_in),
    Row("GET /activities/{activity_id}", "draft",           ALL_200),
    Row("PATCH /activities/{activity_id}", "draft",        "403 403 403 403 403 403 403 403 200 403 403", body=_patch),
    Row("POST /activities/{activity_id}/cancel", "draft",  "403 200 403 403 403 403 403 403 200 403 403", body={"reason": "不办了"}),
    Row("GET /activities/{activity_id}/history", "draft",   ALL_200),
    Row("POST /activities/{activity_id}/submit", "draft",  "403 403 403 403 403 403 403 403 200 403 403"),
    Row("POST /activities/{activity_id}/lead-time-exception", "draft",
                                                           "403 200 403 403 403 403 403 403 403 403 403", body={"reason": "补录"}),
    Row("POST /activities/{activity_id}/resubmit", "revision_requested",
                                                           "403 403 403 403 403 403 403 403 200 403 403", body=_resubmit),
    Row("POST /activities/{activity_id}/decision", "resubmitted",
                                                           "403 200 403 403 403 403 403 403 403 403 403", body={"decision": "approve"}),
    Row("GET /activities/{activity_id}/versions", "resubmitted", ALL_200),
    Row("GET /activities/{activity_id}/versions/{version}/diff", "resubmitted", ALL_200, query={"against": "1"}),
    # --- stage 1 reviews -------------------------------------------------------------------------
    Row("POST /activities/{activity_id}/review", "submitted",
                                                           "403 200 403 403 403 403 403 403 403 403 403",
        body={"meeting_at": "2030-01-01T10:00:00+08:00", "departments": ["planning"]}),
    # Each department gives its own opinion; the finance opinion is finance's alone.
    Row("POST /activities/{activity_id}/opinions", "in_review",
                                                           "403 403 201 201 201 201 403 403 403 403 403", body=_opinion_own_department),
    Row("POST /activities/{activity_id}/opinions", "in_review",
                                                           "403 403 403 403 403 201 403 403 403 403 403",
        body={"department": "finance", "items": []}, variant="finance"),
    Row("GET /activities/{activity_id}/opinions", "in_review", ALL_200),
    Row("GET /activities/{activity_id}/reviews", "in_review", ALL_200),
    # Opinions are still owed: the manager is let in and told so (422 incomplete).
    Row("POST /activities/{activity_id}/return", "in_review",
                                                           "403 422 403 403 403 403 403 403 403 403 403", body={"summary": "汇总"}),
    Row("GET /reviews/mine", "hq",                          ALL_200, NONE),
    # --- stage 2 preparation ---------------------------------------------------------------------
    Row("GET /activities/{activity_id}/support-team", "approved", ALL_200),
    Row("PUT /activities/{activity_id}/support-team", "approved",
                                                           "403 200 403 403 403 403 403 403 403 403 403", body=_team),
    Row("POST /activities/{activity_id}/support-team/publish", "approved",
                                                           "403 200 403 403 403 403 403 403 403 403 403"),
    Row("GET /activities/{activity_id}/materials", "approved", ALL_200),
    # Logistics owns the item: its reviewer and the manager list and move it, no other department.
    Row("POST /activities/{activity_id}/materials", "approved",
                                                           "403 201 403 403 201 403 403 403 403 403 403", body=_material),
    Row("PATCH /activities/{activity_id}/materials/{material_id}", "approved",
                                                           "403 200 403 403 200 403 403 403 403 403 403", body={"status": "preparing"}),
    Row("PATCH /activities/{activity_id}/materials/{material_id}", "approved",
                                                           "403 200 403 403 200 403 403 403 200 403 403",
        body={"status": "received"}, variant="received"),
    # The team is not published yet: those let in hear 422 incomplete.
    Row("POST /activities/{activity_id}/start-onsite", "approved",
                                                           "403 422 403 403 403 403 403 403 422 403 403"),
    Row("GET /me/assignments", "hq",                        ALL_200, NONE),
    # --- stage 3 on site -------------------------------------------------------------------------
    Row("POST /activities/{activity_id}/meetings", "on_site",
                                                           "403 201 403 403 403 403 403 403 201 403 403",
        body={"kind": "briefing", "held_at": "2030-01-01T08:00:00+08:00"}),
    Row("GET /activities/{activity_id}/meetings", "on_site", ALL_200),
    Row("POST /activities/{activity_id}/daily-reports", "on_site",
                                                           "403 403 403 403 403 403 201 403 201 201 403", body=_report),
    Row("GET /activities/{activity_id}/daily-reports", "on_site", ALL_200),
    Row("PATCH /activities/{activity_id}/daily-reports/{report_id}", "on_site",
                                                           "403 403 403 403 403 403 200 403 200 200 403", body={"visitors": 30}),
    # Individual summaries: the team and the market's people (sn_staff1 has written one: 409).
    Row("POST /activities/{activity_id}/summaries", "on_site",
                                                           "403 403 403 403 403 403 201 403 201 201 409",
        body={"kind": "individual", "text": "我的总结"}),
    Row("POST /activities/{activity_id}/summaries", "on_site",
                                                           "403 403 403 403 403 403 403 403 201 403 403",
        body={"kind": "activity", "text": "活动总结"}, variant="activity"),
    Row("GET /activities/{activity_id}/summaries", "on_site", ALL_200),
    # Only its author (sn_staff1) edits a summary.
    Row("PATCH /activities/{activity_id}/summaries/{summary_id}", "on_site",
                                                           "403 403 403 403 403 403 403 403 403 403 200", body={"text": "改"}),
    Row("GET /activities/{activity_id}/wrap-up", "on_site", ALL_200),
    Row("POST /activities/{activity_id}/wrap-up", "on_site",
                                                           "403 403 403 403 403 403 403 403 422 403 403"),
    Row("GET /competitors", "hq",                           ALL_200, MARKET_200, query=MARKET),
    # --- stage 4 HQ review -----------------------------------------------------------------------
    Row("GET /activities/{activity_id}/evaluation", "evaluated", ALL_200),
    # The actual costs: finance or the manager; no other department.
    Row("PUT /activities/{activity_id}/evaluation/costs", "wrapped_up",
                                                           "403 200 403 403 403 200 403 403 403 403 403",
        body={"costs": [{"category": "venue", "amount": "900.00"}]}),
    Row("POST /activities/{activity_id}/evaluation", "wrapped_up",
                                                           "403 201 403 403 403 403 403 403 403 403 403", body=_evaluation),
    Row("POST /activities/{activity_id}/archive", "evaluated",
                                                           "403 200 403 403 403 403 403 403 403 403 403"),
    Row("GET /activities/{activity_id}/archive", "archived", ALL_200),
    Row("GET /activities/{activity_id}/archive/download", "archived", ALL_200),
    Row("POST /activities/{activity_id}/lessons", "evaluated",
                                                           "403 201 403 403 403 403 403 403 403 403 403",
        body={"text": "引以为鉴", "items": ["早签到"]}),
    Row("GET /activities/{activity_id}/lessons", "archived", ALL_200),
    Row("POST /activities/{activity_id}/lessons/ack", "archived",
                                                           "403 403 403 403 403 403 403 403 200 200 200"),
    Row("GET /activities/{activity_id}/reference-pack", "draft", ALL_200),
    # --- briefings: drafts are HQ's ----------------------------------------------------------------
    Row("POST /briefings", "hq",                           "403 201 403 403 403 403 403 403 403 403 403", NONE,
        body={"period_start": _iso(-30), "period_end": _iso(0)}),
    Row("GET /briefings", "hq",                             ALL_200, NONE),
    Row("GET /briefings/{briefing_id}", "briefing:published", ALL_200, NONE),
    Row("GET /briefings/{briefing_id}", "briefing:draft",   HQ_404, NONE, variant="draft"),
    Row("PATCH /briefings/{briefing_id}", "briefing:draft",
                                                           "403 200 403 403 403 403 403 403 403 403 403", NONE, body={"intro": "改"}),
    Row("POST /briefings/{briefing_id}/publish", "briefing:draft",
                                                           "403 200 403 403 403 403 403 403 403 403 403", NONE),
    Row("POST /briefings/{briefing_id}/read", "briefing:published", ALL_200, NONE),
    Row("POST /briefings/{briefing_id}/read", "briefing:draft", HQ_404, NONE, variant="draft"),
    Row("GET /briefings/{briefing_id}/export.docx", "briefing:published", ALL_200, NONE),
    Row("GET /briefings/{briefing_id}/export.docx", "briefing:draft", HQ_404, NONE, variant="draft"),
    # --- playbooks: shared by every market; any market head copies one -----------------------------
    Row("POST /playbooks", "hq",                           "403 201 403 403 403 403 403 403 403 403 403", NONE, body=_playbook),
    Row("GET /playbooks", "hq",                             ALL_200, NONE, shared=True),
    Row("POST /playbooks/{playbook_id}/clone", "hq",       "403 403 403 403 403 403 403 403 201 403 403",
                                                           "  .   .   .   .   .   .   .   . 201 403 403", body=_clone, shared=True),
    # --- search: what the caller may see only -------------------------------------------------------
    Row("GET /search", "hq",                                ALL_200, NONE, query={"q": HA_WORD}),
    # --- exports -----------------------------------------------------------------------------------
    Row("GET /activities/{activity_id}/export.docx", "draft", ALL_200),
    Row("GET /activities/{activity_id}/daily-reports/export.xlsx", "on_site", ALL_200),
    Row("GET /activities/{activity_id}/evaluation/export.xlsx", "evaluated", ALL_200),
    # A market-wide export of another market: HQ may, a market's people get 404.
    Row("POST /exports", "hq",                             "201 201 201 201 201 201 201 201 201 201 201",
                                                           "  .   .   .   .   .   .   .   . 404 404 404", body=_export_job),
    Row("GET /exports", "hq",                               ALL_200, NONE),
    # Export jobs are their owner's: sn_head's job (own) and ha_head's (other).
    Row("GET /exports/{job_id}", "hq",                     "404 404 404 404 404 404 404 404 200 404 404",
                                                           "404 404 404 404 404 404 404 404 404 404 404"),
    Row("GET /exports/{job_id}/download", "hq",            "404 404 404 404 404 404 404 404 200 404 404",
                                                           "404 404 404 404 404 404 404 404 404 404 404"),
    # --- analytics: ?market is HQ's; a market's people get their own whatever they ask ------------
    Row("GET /analytics/{chart}", "hq",                     ALL_200, MARKET_200, query=MARKET,
        params={"chart": "roi-by-market"}),
    Row("GET /analytics/{chart}", "on_site",                ALL_200, MARKET_404,
        query={"activity": "{activity_id}"}, params={"chart": "daily-visitors"}, variant="activity"),
    # --- notifications -----------------------------------------------------------------------------
    Row("GET /notifications", "hq",                         ALL_200, NONE),
    # own: the caller's notification; other: someone else's.
    Row("POST /notifications/{notification_id}/read", "hq", ALL_200,
                                                           "404 404 404 404 404 404 404 404 404 404 404"),
    Row("POST /notification-targets", "hq",                "201 201 403 403 403 403 403 403 403 403 403", NONE, body=_target),
    Row("GET /notification-targets", "hq",                 "200 200 403 403 403 403 403 403 403 403 403", NONE),
    Row("DELETE /notification-targets/{target_id}", "hq",  "204 204 403 403 403 403 403 403 403 403 403", NONE),
    Row("GET /notification-targets/{target_id}/deliveries", "hq",
                                                           "200 200 403 403 403 403 403 403 403 403 403", NONE),
    # --- money (campaigndesk/finance) ----------------------------------------------------------------
    #                                                             AD  HM  PL  MK  LG  FI  SO  SF  MH  OH  MS
    Row("PUT /markets/{code}/budget", "hq",                "200 403 403 403 403 200 403 403 403 403 403",
                                                           "  .   .   .   .   .   .   .   . 403 403 403", body=_budget, pending=True),
    Row("GET /markets/{code}/budget", "hq",                 ALL_200, MARKET_404, query=YEAR, pending=True),
    Row("GET /budgets", "hq",                               ALL_200, NONE, query=YEAR, pending=True),
    # Within the proposal's stay at HQ; no soft cap is passed here, so finance hears why not.
    Row("POST /activities/{activity_id}/finance-signoff", "resubmitted",
                                                           "403 403 403 403 403 in  403 403 403 403 403", body={"reason": "同意超支"}, pending=True),
    Row("POST /activities/{activity_id}/evaluation/costs/{line_id}/verify", "evaluated",
                                                           "403 403 403 403 403 in  403 403 403 403 403", pending=True),
    # --- evidence (campaigndesk/attachments); the world's file is sn_head's (ha_head's) photo ------
    Row("GET /activities/{activity_id}/attachments", "on_site", ALL_200, pending=True),
    Row("POST /activities/{activity_id}/attachments", "on_site",
                                                           "403 201 403 403 403 403 201 403 201 201 201",
        body={"kind": "photo"}, multipart=True, pending=True),
    Row("POST /activities/{activity_id}/attachments", "on_site",
                                                           "403 201 403 403 403 201 403 403 201 403 403",
        body={"kind": "receipt", "cost_category": "venue"}, multipart=True, pending=True, variant="receipt"),
    Row("GET /attachments/{attachment_id}/download", "on_site", ALL_200, pending=True),
    Row("GET /attachments/{attachment_id}/thumbnail", "on_site", ALL_200, pending=True),
    Row("DELETE /attachments/{attachment_id}", "on_site",  "403 204 403 403 403 403 403 403 204 403 403", pending=True),
    # --- people of a market (org): its head, the admin and the HQ manager --------------------------
    Row("GET /markets/{code}/people", "hq",                "200 200 403 403 403 403 403 403 200 403 403", MARKET_404, pending=True),
    Row("POST /markets/{code}/people", "hq",               "201 201 403 403 403 403 403 403 201 403 403", MARKET_404,
        body=_person, pending=True),
    Row("PATCH /people/{username}", "hq",                  "200 200 403 403 403 403 403 403 200 403 403", MARKET_404,
        body={"display_name": "改名"}, pending=True),
]
# fmt: on


# --- pages ----------------------------------------------------------------------------------------
# A page row names a URL pattern (`app:name`); GET unless the view takes only POST. `ok` means
# let in: 200, or a redirect that is not to the login page (a POST done, or refused by the
# state with a message on the activity page). Form pages are asked with GET (who sees the form).

#           AD  HM  PL  MK  LG  FI  SO  SF  MH  OH  MS
ALL_OK = " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"
HQ_OK = " ok  ok  ok  ok  ok  ok  ok  ok 404 404 404"
MARKET_OK = "  .   .   .   .   .   .   .   .  ok  ok  ok"


def only(*roles: str, refused: str = "403") -> str:
    """`ok` for `roles`, `refused` for everyone else."""
    return " ".join("ok" if r in roles else refused for r in ROLES)


# fmt: off
PAGE_ROWS: list[Row] = [
    Row("GET login", "hq",                                  ALL_OK, NONE),
    # Logging out ends at the login page.
    Row("POST logout", "hq",                               "302 302 302 302 302 302 302 302 302 302 302", NONE),
    Row("GET home", "hq",                                   ALL_OK, NONE),
    # --- activities ------------------------------------------------------------------------------
    Row("GET activities:list", "hq",                        ALL_OK, MARKET_OK, query=MARKET),
    Row("GET activities:create", "hq",                      only("market_head"), NONE),
    # Blank form rows (budget line, opinion item, staffing row) hold no data: any visitor.
    Row("GET activities:budget_line", "hq",                 ALL_OK, NONE),
    Row("GET activities:detail", "draft",                   ALL_OK),
    Row("GET activities:edit", "draft",                     only("market_head")),
    Row("POST activities:cancel", "draft",                  only("hq_manager", "market_head"), body={"reason": "不办了"}),
    Row("POST activities:submit", "draft",                  only("market_head")),
    Row("POST activities:lead_time_exception", "draft",     only("hq_manager"), body={"reason": "补录"}),
    Row("POST activities:decide", "resubmitted",            only("hq_manager"), body={"decision": "approve"}),
    Row("GET activities:versions", "resubmitted",           ALL_OK),
    # --- reviews ---------------------------------------------------------------------------------
    Row("GET reviews:mine", "hq",                           ALL_OK, NONE),
    Row("GET reviews:delegation", "hq",                     only("planning", "marketing", "logistics", "finance"), NONE),
    Row("POST reviews:open", "submitted",                   only("hq_manager"),
        body={"meeting_at": "2030-01-01T10:00", "departments": ["planning"]}),
    Row("POST reviews:return", "in_review",                 only("hq_manager"), body={"summary": "汇总"}),
    Row("GET reviews:opinion", "in_review",                 only("planning", "marketing", "logistics", "finance")),
    Row("GET reviews:opinion_item", "in_review",            ALL_OK),
    Row("GET reviews:resubmit", "revision_requested",       only("market_head")),
    Row("GET reviews:staffing_row", "revision_requested",   ALL_OK),
    # --- preparation -----------------------------------------------------------------------------
    Row("GET preparation:assignments", "hq",                ALL_OK, NONE),
    Row("GET preparation:overdue", "hq",                    ALL_OK, NONE),
    Row("GET preparation:team", "approved",                 only("hq_manager")),
    Row("GET preparation:member_row", "approved",           only("hq_manager")),
    Row("POST preparation:team_check", "approved",          only("hq_manager")),
    Row("POST preparation:publish", "approved",             only("hq_manager")),
    Row("POST preparation:material_add", "approved",        only("hq_manager", "logistics"), body=_material),
    Row("POST preparation:material_update", "approved",     only("hq_manager", "logistics"), body={"status": "preparing"}),
    # Refused before the reminder about materials not yet received (it used to come first).
    Row("POST preparation:start_onsite", "approved",        only("hq_manager", "market_head"), body={"acknowledge": "1"}),
    # --- on site ---------------------------------------------------------------------------------
    Row("GET onsite:tasks", "hq",                           ALL_OK, NONE),
    Row("GET onsite:competitors", "hq",                     ALL_OK, MARKET_OK, query=MARKET),
    Row("GET onsite:meeting", "on_site",                    only("hq_manager", "market_head")),
    Row("GET onsite:schedule_row", "on_site",               only("hq_manager", "market_head")),
    Row("GET onsite:task_row", "on_site",                   only("hq_manager", "market_head")),
    Row("GET onsite:reports", "on_site",                    ALL_OK),
    Row("GET onsite:report_new", "on_site",                 only("support_on", "market_head", "office_head")),
    Row("GET onsite:report_edit", "on_site",                only("support_on", "market_head", "office_head")),
    Row("GET onsite:summary", "on_site",                    only("support_on", "market_head", "office_head", "market_staff"),
        params={"kind": "individual"}),
    Row("POST onsite:wrap_up", "on_site",                   only("market_head")),
    # --- HQ review -------------------------------------------------------------------------------
    Row("GET evaluation:evaluate", "wrapped_up",            only("hq_manager")),
    Row("GET evaluation:costs", "wrapped_up",               only("hq_manager", "finance")),
    Row("POST evaluation:archive", "evaluated",             only("hq_manager")),
    Row("GET evaluation:download", "archived",              ALL_OK),
    # The lessons page reads for everyone who sees the activity; its form is the manager's.
    Row("GET evaluation:lessons", "evaluated",              ALL_OK),
    Row("POST evaluation:ack", "archived",                  only("market_head", "office_head", "market_staff")),
    # --- briefings -------------------------------------------------------------------------------
    Row("GET briefings:list", "hq",                         ALL_OK, NONE),
    Row("GET briefings:detail", "briefing:published",       ALL_OK, NONE),
    Row("GET briefings:detail", "briefing:draft",           HQ_OK, NONE, variant="draft"),
    Row("POST briefings:publish", "briefing:draft",         only("hq_manager"), NONE),
    Row("GET briefings:export", "briefing:published",       ALL_OK, NONE),
    Row("GET briefings:export", "briefing:draft",           HQ_OK, NONE, variant="draft"),
    # --- overview, calendar, playbooks, search ---------------------------------------------------
    Row("GET dashboard:overview", "hq",                     ALL_OK, NONE),
    Row("GET dashboard:calendar", "hq",                     ALL_OK, NONE),
    Row("GET dashboard:playbooks", "hq",                    ALL_OK, NONE, shared=True),
    Row("GET dashboard:playbook", "hq",                     ALL_OK, ALL_OK, shared=True),
    Row("POST dashboard:mark_playbook", "archived_free",    only("hq_manager"), NONE),
    Row("GET search:results", "hq",                         ALL_OK, NONE, query={"q": HA_WORD}),
    # --- exports and analytics -------------------------------------------------------------------
    Row("GET exports:jobs", "hq",                           ALL_OK, NONE),
    Row("GET exports:job", "hq",                            only("market_head", refused="404"),
                                                           "404 404 404 404 404 404 404 404 404 404 404"),
    Row("GET exports:download", "hq",                       only("market_head", refused="404"),
                                                           "404 404 404 404 404 404 404 404 404 404 404"),
    Row("GET exports:proposal", "draft",                    ALL_OK),
    Row("GET exports:daily_reports", "on_site",             ALL_OK),
    Row("GET exports:evaluation", "evaluated",              ALL_OK),
    Row("GET analytics:index", "hq",                        ALL_OK, MARKET_OK, query=MARKET),
    Row("GET analytics:xlsx", "hq",                         ALL_OK, MARKET_OK, query=MARKET, params={"chart": "roi-by-market"}),
    # --- inbox -----------------------------------------------------------------------------------
    Row("GET notifications:inbox", "hq",                    ALL_OK, NONE),
    # Someone else's notification: back to one's own inbox, nothing marked (the API says 404).
    Row("POST notifications:open", "hq",                    ALL_OK, "302 302 302 302 302 302 302 302 302 302 302"),
    Row("POST notifications:read_all", "hq",                ALL_OK, NONE),
    Row("GET notifications:badge", "hq",                    ALL_OK, NONE),
    Row("GET notifications:settings", "hq",                 ALL_OK, NONE),
    Row("GET notifications:targets", "hq",                  only("admin", "hq_manager"), NONE),
    # --- money, evidence, people (built by others) ------------------------------------------------
    Row("GET finance:overview", "hq",                       ALL_OK, NONE, pending=True),
    Row("GET finance:market", "hq",                         ALL_OK, MARKET_404, pending=True),
    Row("GET finance:edit", "hq",                           only("admin", "finance"), NONE, pending=True),
    Row("POST evaluation:verify_cost", "evaluated",         only("finance"), pending=True),
    Row("POST finance:signoff", "resubmitted",              only("finance"), body={"reason": "同意"}, pending=True),
    Row("POST attachments:upload", "on_site",               only("hq_manager", "support_on", "market_head", "office_head", "market_staff"),
        body={"kind": "photo"}, multipart=True, pending=True),
    Row("GET attachments:download", "on_site",              ALL_OK, pending=True),
    Row("GET attachments:thumbnail", "on_site",             ALL_OK, pending=True),
    Row("POST attachments:delete", "on_site",               only("hq_manager", "market_head"), pending=True),
    Row("GET org:people", "hq",                             only("admin", "hq_manager", "market_head"), NONE, pending=True),
    Row("GET org:person_edit", "hq",                        only("admin", "hq_manager", "market_head"), MARKET_404, pending=True),
    Row("POST org:person_active", "hq",                     only("admin", "hq_manager", "market_head"), MARKET_404,
        body={"active": "false"}, pending=True),
    Row("GET org:password_change", "hq",                    ALL_OK, NONE, pending=True),
]
# fmt: on


def placeholders(world: World, row: Row, role: str, scope: str) -> dict[str, Any]:
    """The values of the row's path and query placeholders for this cell."""
    market = OWN if scope == "own" else OTHER
    caller = ROLE_USERS[role]
    values: dict[str, Any] = {
        "market": market,
        "code": market,
        "year": "2026",
        "version": 2,
        "material_id": world.materials[market],
        "report_id": world.reports[market],
        "summary_id": world.summaries[market],
        "playbook_id": world.playbooks[market],
        "job_id": world.jobs[market],
        "target_id": world.target,
        "attachment_id": world.attachments.get(market, 0),
        "username": "sn_staff2" if scope == "own" else "ha_head",
        "notification_id": world.notifications[caller]
        if scope == "own"
        else world.notifications["ha_head" if caller == "sn_head" else "sn_head"],
    }
    if row.on in STATES or row.on == "archived_free":
        values["activity_id"] = world.activity(row.on, market).pk
    if row.on.startswith("briefing:"):
        values["briefing_id"] = world.briefings[row.on.split(":", 1)[1]]
    if row.on == "evaluated":  # its first cost line, for verification
        from campaigndesk.evaluation.models import EvaluationCost

        values["line_id"] = (
            EvaluationCost.objects.filter(evaluation__activity_id=values["activity_id"]).first().pk  # type: ignore[union-attr]
        )
    values.update(row.params)
    return values


def cells(rows: list[Row]) -> list[tuple[Row, str, str]]:
    """Every generated (row, role, scope) cell."""
    return [
        (row, role, scope)
        for row in rows
        for scope in ("own", "other")
        for role in ROLES
        if row.expected(role, scope) != "."
    ]


def cell_id(cell: tuple[Row, str, str]) -> str:
    row, role, scope = cell
    variant = f"[{row.variant}]" if row.variant else ""
    return f"{row.op}{variant} {row.on} {role} {scope}"
