"""The index as users meet it: Chinese found without spaces, every kind of document found, each
market kept to its own, the index following edits and deletions, bulk writes included, and the
best match first. Data comes through the real services (the index follows their signals and
audit rows), except where many rows are needed quickly."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.briefings import services as briefing_services
from campaigndesk.conftest import approved_activity
from campaigndesk.core.demo import _full_sections
from campaigndesk.evaluation import services as evaluation_services
from campaigndesk.evaluation.tests.builders import people, walk
from campaigndesk.onsite import services as onsite_services
from campaigndesk.onsite.models import DailyReport, Summary
from campaigndesk.reviews import services as review_services
from campaigndesk.reviews.models import OpinionItem
from campaigndesk.search.models import SearchDocument
from campaigndesk.search.segment import query_tokens, segmented
from campaigndesk.search.tests.conftest import proposal, reports

# --- relevance: Chinese without spaces, English in any case --------------------------------------


def test_a_daily_reports_competitor_note_is_found_by_its_words_without_spaces(find) -> None:
    activity = walk(title="西安健康大讲堂", until="wrapped_up", competitors="竞品在门口发放赠品")
    report = DailyReport.objects.get(activity=activity)
    hit = ("daily_report", report.pk)
    assert hit in find("sn_head", "竞品赠品")
    assert hit in find("sn_head", "赠品")
    assert hit in find("sn_head", "门口发放")
    # Every word must be there: the note says nothing of a lecture hall (讲堂 is in the title,
    # which belongs to the proposal, not the report).
    assert hit not in find("sn_head", "赠品讲堂")
    assert find("sn_head", "优惠券") == []


def test_a_proposal_is_found_by_a_word_in_any_section(find) -> None:
    clinic = proposal(title="秋季社区活动", sections={"theme": "专家免费义诊,现场测量血压。"})
    roadshow = proposal(title="夏季路演", sections={"theme": "产品路演与互动游戏。"})
    hits = find("sn_head", "义诊")
    assert ("proposal", clinic.pk) in hits
    assert ("proposal", roadshow.pk) not in hits
    assert find("sn_head", "测量血压义诊")[:1] == [("proposal", clinic.pk)]
    assert ("proposal", roadshow.pk) in find("sn_head", "互动游戏")
    assert ("proposal", roadshow.pk) in find("sn_head", "夏季路演")  # the title


def test_english_words_are_found_whatever_their_case(find) -> None:
    activity = approved_activity(title="Roadshow 2025")
    (report,) = reports(activity, ["Competitor handed out FREE Samples at the ROI Dashboard"])
    hit = ("daily_report", report.pk)
    assert hit in find("sn_head", "free samples")
    assert hit in find("sn_head", "roi DASHBOARD")
    assert hit not in find("sn_head", "samples 免费")  # 免费 is not in it
    assert ("proposal", activity.pk) in find("sn_head", "ROADSHOW")


def test_operators_and_quotes_in_a_query_are_words_not_syntax(find) -> None:
    activity = approved_activity(title="NOT OR AND 活动")
    for query in ['"', "NOT OR", "AND*", "-活动", "NEAR(活动)", "活动)"]:
        find("sn_head", query)  # must not raise a syntax error of the database
    assert ("proposal", activity.pk) in find("sn_head", "not or")
    assert ("proposal", activity.pk) in find("sn_head", "AND(活动)")
    assert find("sn_head", "！？。") == []  # no words at all


PARITY_TEXTS = [
    "竞品在门口发放赠品",
    "Free SAMPLES at the ROI-Dashboard, 3.5升装",
    "ＲＯＩ提升 50%",
    "C++ 与 R&D 部门",
    "café 咖啡 naïve",
    "心脑血管健康讲座",
    "卡拉OK 比赛",
    "e-mail: info@example.com 网址 https://example.com/path_to",
    "２０２５年 新品",
    '"NOT" OR AND NEAR(x) *',
]
PARITY_QUERIES = [
    "赠品",
    "竞品赠品",
    "ROI",
    "roi dashboard",
    "3.5",
    "50%",
    "c++",
    "R&D",
    "café",
    "cafe",
    "naive",
    "血管",
    "卡拉ok",
    "email",
    "e-mail",
    "example.com",
    "info@example.com",
    "2025",
    "not",
    "near",
    "https",
    "path to",
    "咖啡 ROI",
    "x",
]


def test_the_database_finds_exactly_the_documents_holding_every_word(find) -> None:
    """What SQLite's FTS5 and PostgreSQL's full-text search each find is what the words say:
    the documents whose segmented words include every word of the query, no more, no less; so
    both databases give the same hits."""
    activity = approved_activity(title="对照")
    rows = reports(activity, PARITY_TEXTS)
    words = {("daily_report", row.pk): set(segmented(row.competitors).split()) for row in rows}
    assert ("daily_report", rows[2].pk) in find("sn_head", "roi")  # full-width ＲＯＩ
    for query in PARITY_QUERIES:
        expected = {key for key, held in words.items() if set(query_tokens(query)) <= held}
        got = {hit for hit in find("sn_head", query) if hit[0] == "daily_report"}
        assert got == expected, query
        assert got or query in {"cafe", "naive", "email", "咖啡 ROI"}, query  # none, or AND


# --- every kind of document, and who gets it -----------------------------------------------------


def qinling(head: str = "sn_head") -> dict[str, tuple[str, int]]:
    """An archived activity of `head`'s market with 秦岭 in each of its documents."""
    activity = walk(
        head=head,
        title="秦岭健康行",
        until="archived",
        strengths="秦岭山区居民到场踊跃。",
        competitors="竞品在秦岭路口派发传单。",
    )
    opinion = activity.review_rounds.get().opinions.get()
    item = OpinionItem.objects.create(opinion=opinion, section="general", comment="秦岭站点偏远。")
    lesson = evaluation_services.lessons_send(
        activity_id=activity.pk, by=people()["hq_manager"], text="秦岭经验:提前包车。", items=[]
    )
    return {
        "proposal": ("proposal", activity.pk),
        "opinion": ("opinion", item.pk),
        "daily_report": ("daily_report", DailyReport.objects.get(activity=activity).pk),
        "summary": ("summary", Summary.objects.get(activity=activity).pk),
        "lesson": ("lesson", lesson.pk),
    }


def test_every_kind_of_document_of_the_market_is_found_by_its_people_and_hq(find) -> None:
    docs = qinling()
    for username in ("sn_head", "sn_staff3", "sn_xa_head", "hq_manager", "finance_reviewer"):
        assert set(find(username, "秦岭")) == set(docs.values()), username


def test_another_markets_people_never_get_its_hits(find) -> None:
    sn = qinling()
    # HA's own activity with the same word: ha_head gets exactly that one, none of SN's.
    ha = walk(head="ha_head", title="秦岭对口交流", until="draft")
    for username in ("ha_head", "sc_head"):
        hits = find(username, "秦岭")
        assert not set(hits) & set(sn.values()), username
    assert find("ha_head", "秦岭") == [("proposal", ha.pk)]
    assert find("sc_head", "秦岭") == []
    # Words of each kind of SN document, alone.
    for query in ("秦岭站点偏远", "秦岭路口派发传单", "山区居民", "提前包车", "秦岭健康行"):
        assert find("ha_head", query) == [], query
        assert find("sn_head", query), query


def test_a_published_briefing_reaches_every_market_a_draft_only_hq(find, user) -> None:
    walk(
        title="西安春季健康大讲堂",
        start=date(2025, 3, 10),
        until="wrapped_up",
        strengths="专家讲座口碑好。",
        competitors="竞品推出买二送一。",
    )
    briefing = briefing_services.briefing_compile(
        by=user("hq_manager"),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        title="三月简报",
    )
    hit = ("briefing", briefing.pk)
    # The entries were written in bulk (no signal): found through the audit row of the compile.
    assert hit in find("hq_manager", "买二送一")
    assert hit in find("hq_manager", "口碑")
    assert hit in find("planning_reviewer", "三月简报")
    for username in ("ha_head", "sn_head", "sn_staff1"):
        assert hit not in find(username, "三月简报"), username
    briefing_services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    for username in ("ha_head", "sc_head", "sn_head", "sn_staff1", "hq_manager"):
        assert hit in find(username, "买二送一"), username


def test_a_briefings_edits_replace_its_words(find, user) -> None:
    briefing = briefing_services.briefing_compile(
        by=user("hq_manager"), period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
    )
    briefing_services.briefing_update(
        briefing_id=briefing.pk,
        by=user("hq_manager"),
        data={
            "intro": "本期重点:义诊。",
            "markets": [{"market": "HA", "highlights": "郑州路演火爆"}],
        },
    )
    assert ("briefing", briefing.pk) in find("hq_manager", "路演火爆")
    briefing_services.briefing_update(
        briefing_id=briefing.pk,
        by=user("hq_manager"),
        data={"markets": [{"market": "HA", "highlights": "洛阳讲座满座"}]},
    )
    assert ("briefing", briefing.pk) not in find("hq_manager", "路演火爆")
    assert ("briefing", briefing.pk) in find("hq_manager", "讲座满座")


# --- the index follows every write ---------------------------------------------------------------


def test_a_proposals_new_title_replaces_the_old_words(find, user) -> None:
    activity = proposal(title="夏季路演")
    activity_services.activity_update(
        activity_id=activity.pk,
        by=user("sn_head"),
        revision=activity.revision,
        data={"title": "秋季义诊周"},
    )
    assert find("sn_head", "路演") == []
    assert ("proposal", activity.pk) in find("sn_head", "秋季义诊")
    row = SearchDocument.objects.get(kind="proposal", object_id=activity.pk)
    assert row.title == "秋季义诊周"


def test_renaming_an_activity_retitles_its_documents(user) -> None:
    activity = approved_activity(title="旧名活动")
    (report,) = reports(activity, ["竞品赠品"])
    activity.title = "新名活动"
    activity.save(update_fields=["title"])
    row = SearchDocument.objects.get(kind="daily_report", object_id=report.pk)
    assert row.title.startswith("新名活动 · ")


def test_opinions_and_responses_written_in_bulk_are_found(find, user) -> None:
    activity = proposal(title="会展中心推广", sections=_full_sections("会展中心推广"))
    who = people()
    activity_services.activity_submit(activity_id=activity.pk, by=who["sn_head"])
    review_services.review_open(
        activity_id=activity.pk,
        by=who["hq_manager"],
        meeting_at=activity.created_at,
        departments=["planning"],
    )
    review_services.opinion_give(
        activity_id=activity.pk,
        by=who["planning_reviewer"],
        department="planning",
        items=[{"section": "general", "comment": "请确认消防通道。", "required_change": True}],
    )
    item = OpinionItem.objects.get(opinion__round__activity=activity)
    assert find("sn_head", "消防通道") == [("opinion", item.pk)]
    assert find("ha_head", "消防通道") == []
    review_services.review_return(activity_id=activity.pk, by=who["hq_manager"], summary="请修改")
    activity_services.activity_resubmit(
        activity_id=activity.pk,
        by=who["sn_head"],
        changes={"sections": {"background": "会展中心场地已确认。"}},
        staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        responses=[{"item_id": item.pk, "response": "已与物业核实疏散路线。"}],
    )
    assert find("sn_head", "物业疏散") == [("opinion", item.pk)]


def test_edited_reports_and_summaries_are_found_by_their_new_words_only(find, user) -> None:
    activity = walk(title="宝鸡社区路演", until="on_site")
    head = user("sn_head")
    report = onsite_services.daily_report_submit(
        activity_id=activity.pk,
        by=head,
        data={"date": activity.start_date, "competitors": "竞品赠送鸡蛋。"},
    )
    assert find("sn_head", "鸡蛋") == [("daily_report", report.pk)]
    onsite_services.daily_report_update(
        activity_id=activity.pk, report_id=report.pk, by=head, data={"competitors": "竞品降价。"}
    )
    assert find("sn_head", "鸡蛋") == []
    assert find("sn_head", "降价") == [("daily_report", report.pk)]
    summary = onsite_services.summary_write(
        activity_id=activity.pk, by=head, kind="individual", text="签到流程顺畅。"
    )
    assert find("sn_head", "签到流程") == [("summary", summary.pk)]


def test_deleted_objects_leave_the_index(find) -> None:
    activity = approved_activity(title="即将删除的活动")
    first, second = reports(activity, ["竞品赠品一", "竞品赠品二"])
    first.delete()
    assert find("hq_manager", "竞品赠品") == [("daily_report", second.pk)]
    draft = proposal(title="草稿义诊")
    Activity.objects.get(pk=draft.pk).delete()
    assert ("proposal", draft.pk) not in find("hq_manager", "草稿义诊")
    assert not SearchDocument.objects.filter(activity_id=draft.pk).exists()


def test_a_rolled_back_write_leaves_the_index_as_it_was(find, user) -> None:
    activity = proposal(title="回滚测试")
    with pytest.raises(RuntimeError), transaction.atomic():
        activity.title = "不该留下"
        activity.save()
        raise RuntimeError
    assert find("sn_head", "不该留下") == []
    assert find("sn_head", "回滚测试") == [("proposal", activity.pk)]


def test_reindex_search_rebuilds_everything(find, capsys) -> None:
    docs = qinling()
    before = set(SearchDocument.objects.values_list("kind", "object_id", "segmented"))
    SearchDocument.objects.all().delete()
    assert find("sn_head", "秦岭") == []
    call_command("reindex_search")
    assert "Indexed" in capsys.readouterr().out
    assert set(SearchDocument.objects.values_list("kind", "object_id", "segmented")) == before
    assert set(find("sn_head", "秦岭")) == set(docs.values())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_fts_table_follows_the_rows_also_of_bulk_writes(demo: None) -> None:
    def fts_rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM search_document_fts WHERE search_document_fts MATCH ?",
                ['"赠品"'],
            )
            return int(cursor.fetchone()[0])

    activity = approved_activity(title="三角")
    reports(activity, ["赠品", "赠品", "礼品"])
    assert fts_rows() == 2
    SearchDocument.objects.filter(segmented="赠品").update(segmented="礼品")
    assert fts_rows() == 0
    SearchDocument.objects.filter(activity_id=activity.pk).delete()
    # Raises if the FTS index and the rows it indexes disagree.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_document_fts(search_document_fts) VALUES ('integrity-check')"
        )


# --- ranking -------------------------------------------------------------------------------------


def test_the_document_with_the_word_three_times_ranks_above_the_one_with_it_once(find) -> None:
    # Same length, same market; the weaker one is newer, so the order is not the tie-break's.
    strong = proposal(title="甲活动", sections={"theme": "推拿体验,推拿展示,推拿坐诊。"})
    weak = proposal(title="乙活动", sections={"theme": "推拿体验,艾灸展示,中医坐诊。"})
    assert find("sn_head", "推拿") == [("proposal", strong.pk), ("proposal", weak.pk)]
    assert find("hq_manager", "推拿") == [("proposal", strong.pk), ("proposal", weak.pk)]


def test_unchanged_documents_are_not_rewritten(user) -> None:
    activity = approved_activity(title="不变")
    reports(activity, ["竞品赠品"])
    rows = SearchDocument.objects.filter(activity_id=activity.pk)
    before = dict(rows.values_list("pk", "indexed_at"))
    activity.save(update_fields=["updated_at"])  # re-indexes the activity: nothing changed
    assert dict(rows.values_list("pk", "indexed_at")) == before


def test_the_newest_matches_are_ranked_and_older_ones_follow_newest_first(
    find, monkeypatch
) -> None:
    """Relevance orders the newest RANK_WINDOW matches only (ten years of a common word would
    cost too much to rank); the older ones follow by date, and the count holds them all."""
    from campaigndesk.search import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "RANK_WINDOW", 4)
    strong, weak = "推拿体验,推拿展示,推拿坐诊。", "推拿体验,艾灸展示,中医坐诊。"
    activity = approved_activity(title="窗口")
    r = reports(activity, [weak, strong, weak, weak, strong, weak])
    expected = [r[4], r[5], r[3], r[2], r[1], r[0]]
    for username in ("sn_head", "hq_manager"):
        # `find` walks the pages as `count` gives them: 3 pages of 2.
        assert find(username, "推拿") == [("daily_report", x.pk) for x in expected], username
