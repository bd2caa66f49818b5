"""Demo data written by the project itself (no real corpus): a realistic tree in Inner Mongolia,
staff for every role and a few hundred items across topics in every workflow state.

Everything is created through the services, so the demo has a real audit trail.

Over 400 lines on purpose: most of it is the demo's data written out (bodies, people, titles), with
little logic to follow.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongkai.calendars.services import WorkingCalendar
from gongkai.catalogue import services as docs
from gongkai.catalogue.models import Term, Validity, Vocabulary
from gongkai.core.types import Actor
from gongkai.orgs import services as orgs
from gongkai.orgs.credit_code import check_character
from gongkai.orgs.models import Organisation, OrgKind, Role

DEMO_PASSWORD = "gongkai-demo"


def demo_credit_code(division: str, serial: int) -> str:
    """A well-formed 统一社会信用代码 for a 机关 (registration authority 1, type 1)."""
    body = f"11{division}{serial:08d}0"
    return body + check_character(body)


HOURS = "工作日上午8:30—12:00，下午14:30—18:00（法定节假日除外）"

DEPARTMENTS = [
    # slug suffix, name, short 文号 code, topic code, Art. 20 item
    ("fgw", "呼和浩特市发展和改革委员会", "呼发改", "T0302", "ART20_03"),
    ("jyj", "呼和浩特市教育局", "呼教发", "T1102", "ART20_11"),
    ("gaj", "呼和浩特市公安局", "呼公发", "T1601", "ART20_06"),
    ("mzj", "呼和浩特市民政局", "呼民发", "T1704", "ART20_11"),
    ("czj", "呼和浩特市财政局", "呼财发", "T0401", "ART20_07"),
    ("rsj", "呼和浩特市人力资源和社会保障局", "呼人社发", "T1501", "ART20_14"),
    ("zrzyj", "呼和浩特市自然资源局", "呼自然资发", "T0501", "ART20_05"),
    ("sthjj", "呼和浩特市生态环境局", "呼环发", "T1002", "ART20_13"),
    ("zjj", "呼和浩特市住房和城乡建设局", "呼建发", "T1001", "ART20_10"),
    ("jtj", "呼和浩特市交通运输局", "呼交发", "T0702", "ART20_10"),
    ("wjw", "呼和浩特市卫生健康委员会", "呼卫健发", "T1301", "ART20_11"),
    ("scjgj", "呼和浩特市市场监督管理局", "呼市监发", "T0903", "ART20_13"),
]

SUBJECTS = [
    ("关于印发《{year}年{area}工作要点》的通知", "通知"),
    ("关于做好{year}年{area}工作的通知", "通知"),
    ("关于进一步加强{area}管理的意见", "意见"),
    ("关于{year}年度{area}专项资金安排情况的公告", "公告"),
    ("关于开展{area}监督检查情况的通报", "通报"),
    ("关于{area}有关事项的批复", "批复"),
    ("关于公布{area}行政许可事项清单的通告", "通告"),
    ("{area}实施办法", "决定"),
]

AREAS = {
    "fgw": ["国民经济和社会发展计划", "重大项目谋划", "价格监测", "节能审查", "营商环境优化"],
    "jyj": ["义务教育招生入学", "学前教育普惠", "校园安全", "教师队伍建设", "民族教育"],
    "gaj": ["户籍管理", "道路交通安全", "出入境证件办理", "消防安全", "治安管理"],
    "mzj": ["城乡居民最低生活保障", "特困人员救助供养", "养老服务", "社会组织登记", "临时救助"],
    "czj": ["部门预算公开", "政府采购", "财政决算", "行政事业性收费", "政府债务管理"],
    "rsj": ["稳就业", "公务员招考", "社会保险", "职业技能培训", "根治欠薪"],
    "zrzyj": ["国土空间规划", "土地征收", "不动产登记", "矿产资源管理", "耕地保护"],
    "sthjj": ["大气污染防治", "环境影响评价", "黄河流域生态保护", "固体废物管理", "生态环境监测"],
    "zjj": ["保障性住房", "老旧小区改造", "建筑施工安全", "物业管理", "城市更新"],
    "jtj": ["城市公共交通", "农村公路建设", "道路运输管理", "交通建设项目", "出租汽车管理"],
    "wjw": ["基本公共卫生服务", "医疗机构管理", "突发公共卫生事件应急", "爱国卫生运动", "蒙医药发展"],
    "scjgj": ["食品安全抽检", "产品质量监督", "特种设备安全", "市场主体登记", "价格监督检查"],
}

PARAGRAPHS = [
    "为深入贯彻落实党中央、国务院和自治区党委、政府的决策部署，进一步提升{area}工作水平，结合我市实际，现就有关事项通知如下。",
    "一、总体要求。坚持以人民为中心的发展思想，坚持依法行政，推进{area}工作制度化、规范化、便民化，切实保障群众的知情权、参与权、表达权和监督权。",
    "二、主要任务。各旗县区、各有关部门要按照职责分工，细化工作措施，明确时间节点，确保{area}各项任务按期完成。对群众反映强烈的问题，要建立台账，逐项整改。",
    "三、保障措施。各单位要加强组织领导，落实工作责任，强化督促检查。工作中遇到的重大问题，请及时报告。",
    "本文件自印发之日起施行，有效期五年。",
]


def _users() -> dict[str, Any]:
    User = get_user_model()
    users = {}
    for name in [
        "admin",
        "nmg_supervisor",
        "hhht_clerk",
        "hhht_reviewer",
        "hhht_leader",
        "hhht_supervisor",
        "jyj_clerk",
        "jyj_reviewer",
        "jyj_leader",
        "mzl_clerk",
        "mzl_reviewer",
        "mzl_leader",
    ]:
        user = User.objects.filter(username=name).first() or User(username=name)
        user.is_superuser = user.is_staff = name == "admin"
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[name] = user
    return users


@transaction.atomic
def load_demo(seed: int = 2026, today: dt.date | None = None) -> dict[str, Any]:
    """Create the demo data once. Returns what was created (or an empty dict when already loaded)."""
    if Organisation.objects.filter(slug="nmg").exists():
        return {}
    rng = random.Random(seed)
    today = today or dt.date.today()
    users = _users()
    admin = users["admin"]

    def make(
        name: str, slug: str, kind: str, division: str, serial: int, parent: Organisation | None, **kw: Any
    ) -> Organisation:
        return orgs.org_create(
            actor=admin,
            name=name,
            slug=slug,
            kind=kind,
            credit_code=demo_credit_code(division, serial),
            parent=parent,
            office_hours=HOURS,
            **kw,
        )

    nmg = make(
        "内蒙古自治区人民政府",
        "nmg",
        OrgKind.PROVINCE,
        "150000",
        1,
        None,
        office_name="内蒙古自治区人民政府办公厅政务公开办公室",
        office_address="内蒙古自治区呼和浩特市新华大街1号",
        office_postcode="010098",
        office_phone="0471-0000001",
        office_fax="0471-0000002",
        office_email="gongkai@nmg.example.cn",
        office_website="内蒙古自治区人民政府门户网站“政府信息公开”栏目在线申请",
        functions="负责全区政府信息公开工作的组织协调、指导推进和监督检查。",
    )
    hhht = make(
        "呼和浩特市人民政府",
        "hhht",
        OrgKind.CITY,
        "150100",
        1,
        nmg,
        office_name="呼和浩特市人民政府办公室政务公开科",
        office_address="内蒙古自治区呼和浩特市新城区新华东街1号",
        office_postcode="010010",
        office_phone="0471-0000101",
        reconsideration_body="内蒙古自治区人民政府",
        competent_court="呼和浩特市中级人民法院",
        office_fax="0471-0000102",
        office_email="gongkai@huhhot.example.cn",
        office_website="呼和浩特市人民政府门户网站“依申请公开”栏目",
        functions="负责全市政府信息公开工作的组织协调、指导推进和监督检查，办理本机关政府信息公开申请。",
        disclosure_rules=RULES,
    )
    departments = {}
    for i, (slug, name, _, _, _) in enumerate(DEPARTMENTS, start=2):
        departments[slug] = make(
            name,
            f"hhht-{slug}",
            OrgKind.DEPARTMENT,
            "150100",
            i,
            hhht,
            office_name=f"{name}办公室",
            office_address=f"内蒙古自治区呼和浩特市赛罕区敕勒川大街{i}号",
            office_postcode="010020",
            office_phone=f"0471-00002{i:02d}",
            office_email=f"gongkai-{slug}@huhhot.example.cn",
            # 行政复议法 (2023) Art. 24: a department's reconsideration body is its government.
            reconsideration_body="呼和浩特市人民政府",
            competent_court="呼和浩特市新城区人民法院",
            disclosure_rules=RULES,
        )
    xc = make(
        "呼和浩特市新城区人民政府",
        "hhht-xc",
        OrgKind.COUNTY,
        "150102",
        1,
        hhht,
        office_name="新城区人民政府办公室",
        office_address="呼和浩特市新城区兴安北路1号",
        office_phone="0471-0000301",
    )
    make(
        "新城区海拉尔东路街道办事处",
        "hhht-xc-hld",
        OrgKind.TOWNSHIP,
        "150102",
        2,
        xc,
        office_name="海拉尔东路街道党政综合办公室",
        office_address="呼和浩特市新城区海拉尔东路1号",
        office_phone="0471-0000302",
    )
    mzl = make(
        "满洲里市人民政府",
        "mzl",
        OrgKind.CITY,
        "150781",
        1,
        nmg,
        office_name="满洲里市人民政府办公室政务公开科",
        office_address="内蒙古自治区满洲里市四道街1号",
        office_postcode="021400",
        office_phone="0470-0000001",
        office_email="gongkai@manzhouli.example.cn",
        disclosure_rules=RULES,
    )

    grants = [
        ("admin", nmg, Role.ADMIN),
        ("nmg_supervisor", nmg, Role.SUPERVISOR),
        ("hhht_supervisor", hhht, Role.SUPERVISOR),
        ("hhht_clerk", hhht, Role.CLERK),
        ("hhht_reviewer", hhht, Role.REVIEWER),
        ("hhht_leader", hhht, Role.LEADER),
        ("jyj_clerk", departments["jyj"], Role.CLERK),
        ("jyj_reviewer", departments["jyj"], Role.REVIEWER),
        ("jyj_leader", departments["jyj"], Role.LEADER),
        ("mzl_clerk", mzl, Role.CLERK),
        ("mzl_reviewer", mzl, Role.REVIEWER),
        ("mzl_leader", mzl, Role.LEADER),
    ]
    for username, org, role in grants:
        orgs.membership_grant(actor=admin, user=users[username], org=org, role=role)

    # Demo items are written by dedicated per-body clerks so that each body's own staff did the work.
    User = get_user_model()
    terms = {(t.vocabulary, t.code): t for t in Term.objects.filter(is_current=True)}
    genre_by_label = {t.label: t for t in Term.objects.filter(vocabulary=Vocabulary.GENRE)}
    bodies = [(hhht, "呼府发", "T0201", "ART20_01", "hhht", AREAS["fgw"] + AREAS["mzj"])]
    bodies += [(departments[s], code, topic, art20, s, AREAS[s]) for s, _, code, topic, art20 in DEPARTMENTS]
    bodies.append(
        (
            mzl,
            "满政发",
            "T0801",
            "ART20_01",
            "mzl",
            ["口岸经济发展", "边境旅游", "中俄经贸合作", "城市供热保障", "政务服务"],
        )
    )

    created = 0
    for org, code, topic, art20, key, areas in bodies:
        clerk, reviewer, leader = _staff_for(org, users, User, admin, key)
        calendar = WorkingCalendar(org)
        for n in range(22):
            area = rng.choice(areas)
            year = rng.choice([2023, 2024, 2025, 2026])
            pattern, genre = rng.choice(SUBJECTS)
            formed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            if formed > today:
                formed = today - dt.timedelta(days=rng.randint(1, 60))
            plan = _plan(rng, n)
            if plan in {"draft", "submitted", "reviewed", "approved", "rejected"}:
                formed = today - dt.timedelta(days=rng.randint(0, 40))
            validity = Validity.CURRENT
            doc = docs.document_create(
                actor=clerk,
                org=org,
                title=f"{org.name}{pattern.format(year=formed.year, area=area)}",
                summary=f"本文件明确了{area}的工作目标、主要任务和保障措施。",
                doc_number=f"{code}〔{formed.year}〕{n + 1}号",
                written_date=formed,
                formed_date=formed,
                topic=terms[("topic", topic)],
                genre=genre_by_label.get(genre),
                art20_item=terms[("art20", art20)],
                validity=validity,
                keywords=f"{area} {genre}",
                body="\n\n".join(p.format(area=area) for p in PARAGRAPHS),
            )
            created += 1
            steps = {
                "draft": [],
                "rejected": [],
                "submitted": [("submit", clerk)],
                "reviewed": [("submit", clerk), ("review", reviewer)],
                "approved": [("submit", clerk), ("review", reviewer), ("approve", leader)],
            }.get(plan, [("submit", clerk), ("review", reviewer), ("approve", leader), ("publish", clerk)])
            # Most items are published on time; a few late ones show the Art. 26 flag.
            lag = rng.choice([3, 5, 8, 12, 15, 18]) if rng.random() > 0.08 else rng.choice([25, 30])
            publish_on = min(calendar.add_working_days(formed, lag).due, today)
            for action, actor in steps:
                on = publish_on if action == "publish" else None
                docs.document_transition(actor=actor, document=doc, action=action, on=on)
            if plan == "revoked":
                docs.document_transition(actor=leader, document=doc, action="revoke", reason="已被新文件替代", on=today)
            elif plan == "withdrawn":
                docs.document_transition(actor=leader, document=doc, action="withdraw", reason="内容有误，撤回更正")
            elif plan == "rejected":
                docs.document_transition(actor=clerk, document=doc, action="submit")
                docs.document_transition(
                    actor=reviewer, document=doc, action="reject", reason="含有个人信息，请删除后再提交"
                )
    created += _demo_interpretations(departments["jyj"], users, terms, min(today, timezone.localdate()))
    _demo_messages(departments["jyj"], users, admin, min(today, timezone.localdate()))
    _demo_openness(departments["jyj"], users, min(today, timezone.localdate()))
    _demo_issued(departments["jyj"], users, min(today, timezone.localdate()))
    _demo_key_columns(departments["jyj"], users, min(today, timezone.localdate()))
    _demo_supervision(departments["jyj"], users)
    applications = _demo_applications(
        rng,
        min(today, timezone.localdate()),
        [
            (departments["jyj"], users["jyj_clerk"], users["jyj_leader"]),
            (hhht, users["hhht_clerk"], users["hhht_leader"]),
        ],
    )
    # This year's report of the education bureau, compiled from the demo applications (a draft: the
    # year is not over).
    from gongkai.reports.services import report_prepare

    report_prepare(actor=users["jyj_clerk"], org=departments["jyj"], year=min(today, timezone.localdate()).year)
    return {
        "orgs": Organisation.objects.count(),
        "documents": created,
        "applications": applications,
        "password": DEMO_PASSWORD,
    }


def _demo_interpretations(org: Organisation, users: dict[str, Any], terms: dict[Any, Term], today: dt.date) -> int:
    """Two 行政规范性文件 of the education bureau: one published with its interpretations (文字解读 and
    图解, 三同步), one without (it shows on the 政策解读 to-do list and in the supervisor's figures)."""
    clerk, reviewer, leader = users["jyj_clerk"], users["jyj_reviewer"], users["jyj_leader"]
    published = today - dt.timedelta(days=30)

    def item(title: str, number: str, **fields: Any) -> Any:
        doc = docs.document_create(
            actor=clerk,
            org=org,
            title=title,
            doc_number=number,
            written_date=published - dt.timedelta(days=7),
            formed_date=published - dt.timedelta(days=7),
            topic=terms[("topic", "T1102")],
            art20_item=terms[("art20", "ART20_01")],
            body="\n\n".join(p.format(area="义务教育") for p in PARAGRAPHS),
            **fields,
        )
        for action, actor in (("submit", clerk), ("review", reviewer), ("approve", leader), ("publish", clerk)):
            doc = docs.document_transition(
                actor=actor, document=doc, action=action, on=published if action == "publish" else None
            )
        return doc

    policy = item("呼和浩特市义务教育学校招生入学管理办法", "呼教规〔2026〕1号", instrument="normative")
    item(
        "《呼和浩特市义务教育学校招生入学管理办法》政策解读",
        "",
        interprets=policy.index_number,
        interpretation_form="text",
        interpreter="official",
    )
    item(
        "一图读懂《呼和浩特市义务教育学校招生入学管理办法》",
        "",
        interprets=policy.index_number,
        interpretation_form="graphic",
        interpreter="official",
    )
    item("呼和浩特市中小学校课后服务管理办法", "呼教规〔2026〕2号", instrument="normative")
    return 4


def _demo_messages(org: Organisation, users: dict[str, Any], admin: Any, today: dt.date) -> None:
    """The education bureau's 领导信箱 and 咨询 (政民互动): a message answered and published, one
    turned into an application, and two waiting (one past its limit)."""
    from gongkai.interaction import services as interaction

    clerk = users["jyj_clerk"]
    leader_box = interaction.box_configure(
        actor=admin, org=org, channel="leader", enabled=True, reply_working_days=10, intro="局长信箱，欢迎来信。"
    )
    consult = interaction.box_configure(actor=admin, org=org, channel="consult", enabled=True, reply_working_days=5)

    def write(box: Any, name: str, subject: str, body: str, days_ago: int, consent: bool = True) -> Any:
        return interaction.message_submit(
            box=box,
            writer={"writer_name": name, "phone": "13800000000", "email": "", "subject": subject, "body": body},
            secret=DEMO_PASSWORD,
            consent=consent,
            today=today - dt.timedelta(days=days_ago),
        )

    answered = write(consult, "王芳", "小学入学年龄", "孩子8月31日后出生，今年能否入学？", 12)
    interaction.message_transition(
        actor=clerk,
        message=answered,
        action="reply",
        reply="按照规定，当年8月31日前（含）年满6周岁的儿童入学；之后出生的，次年入学。",
        on=today - dt.timedelta(days=9),
    )
    interaction.message_transition(
        actor=clerk,
        message=answered,
        action="publish",
        question="孩子8月31日后出生，今年能否入学？",
        answer="按照规定，当年8月31日前（含）年满6周岁的儿童入学；之后出生的，次年入学。",
        on=today - dt.timedelta(days=8),
    )
    asks = write(leader_box, "李明", "申请公开学校改扩建资金", "请公开第十中学改扩建工程的资金使用明细。", 6)
    interaction.message_transition(
        actor=clerk,
        message=asks,
        action="convert",
        applicant_type="NAT",
        id_number="150102198001010014",
        description="第十中学改扩建工程的资金使用明细",
        on=today - dt.timedelta(days=5),
    )
    write(leader_box, "张伟", "校车安全", "建议加强对校车驾驶员的培训和检查。", 2, consent=False)
    write(consult, "刘洋", "课后服务收费", "课后服务如何收费？", 20)
    month = today.replace(day=1) - dt.timedelta(days=1)  # the month just ended
    for channel, count, source in (("hotline", 137, "12345热线工单导出"), ("reception", 9, "局长接待日登记簿")):
        interaction.tally_enter(
            actor=clerk, org=org, channel=channel, year=month.year, month=month.month, count=count, source=source
        )


def _demo_openness(org: Organisation, users: dict[str, Any], today: dt.date) -> None:
    """A press conference of the education bureau that released the interpretation of its 招生入学
    办法 (the head attended), a training session and a meeting, a response to a public concern, a
    deputy's suggestion (replied) and a member's proposal, a reading point and a WeChat account with
    last month's figures, and a gazette issue printing the 办法 and its interpretation."""
    from gongkai.catalogue.models import Document
    from gongkai.openness import services as openness

    clerk = users["jyj_clerk"]
    reading = Document.objects.filter(org=org, interprets__isnull=False, interpretation_form="text").first()
    openness.press_conference_record(
        actor=clerk,
        org=org,
        held_on=today - dt.timedelta(days=29),
        topic="义务教育学校招生入学政策新闻发布会",
        speakers="局长、新闻发言人",
        head_attended=True,
        interpretations=[reading.index_number] if reading and reading.index_number else [],
    )
    openness.training_record(
        actor=clerk,
        org=org,
        kind="training",
        held_on=today - dt.timedelta(days=40),
        title="政府信息公开条例专题培训",
        attendance=86,
    )
    openness.training_record(
        actor=clerk,
        org=org,
        kind="meeting",
        held_on=today - dt.timedelta(days=10),
        title="政务公开工作推进会",
        attendance=32,
    )
    openness.response_record(
        actor=clerk,
        org=org,
        responded_on=today - dt.timedelta(days=12),
        concern="网传义务教育招生划片调整",
        channel="new_media",
        public_opinion=True,
        items=[reading.index_number] if reading and reading.index_number else [],
    )
    suggestion = openness.proposal_record(
        actor=clerk,
        org=org,
        kind="suggestion",
        number="第0086号",
        title="关于增加城区公办学位供给的建议",
        received_on=today - dt.timedelta(days=60),
    )
    openness.proposal_reply(actor=clerk, proposal=suggestion, replied_on=today - dt.timedelta(days=15))
    openness.proposal_record(
        actor=clerk,
        org=org,
        kind="proposal",
        number="第0132号",
        title="关于规范校外培训收费的提案",
        received_on=today - dt.timedelta(days=20),
    )
    point = openness.reading_point_add(
        actor=clerk,
        org=org,
        kind="library",
        name="呼和浩特市图书馆政府信息查阅点",
        address="新城区新华大街2号一楼",
        hours="周二至周日 9:00–17:00",
        holdings="本局规范性文件汇编、政府公报",
    )
    account = openness.new_media_add(
        actor=clerk, org=org, platform="wechat", name="呼和浩特教育发布", operator="呼和浩特市教育局办公室"
    )
    month = today.replace(day=1) - dt.timedelta(days=1)  # the month just ended
    openness.reading_tally_enter(
        actor=clerk, point=point, year=month.year, month=month.month, visits=23, items_consulted=61, source="查阅登记簿"
    )
    openness.new_media_figures_enter(
        actor=clerk,
        account=account,
        year=month.year,
        month=month.month,
        posts=46,
        followers=18_230,
        source="公众号后台统计",
    )
    if reading is not None and reading.interprets is not None:
        printed = max(reading.published_date or today, reading.interprets.published_date or today)
        openness.gazette_issue_record(
            actor=clerk,
            org=org,
            year=printed.year,
            number=1,
            published_on=printed,
            items=[str(reading.interprets.index_number), str(reading.index_number)],
        )


def _demo_issued(org: Organisation, users: dict[str, Any], today: dt.date) -> None:
    """The education bureau's documents of the last months with their 公开属性: the published ones
    as 主动公开 (linked to their items), two 依申请公开 (one switched under Art. 44) and three
    不予公开 with their reasons, so the 公文主动公开率 shows a realistic share."""
    from gongkai.catalogue import register
    from gongkai.catalogue.models import Document, DocumentState

    reviewer, clerk = users["jyj_reviewer"], users["jyj_clerk"]
    published = Document.objects.filter(org=org, state=DocumentState.PUBLISHED, interprets__isnull=True)
    seen: set[str] = set()
    for doc in published.exclude(doc_number="").order_by("published_date", "pk")[:12]:
        if doc.doc_number in seen:
            continue
        seen.add(doc.doc_number)
        register.issued_register(
            actor=reviewer,
            org=org,
            title=doc.title,
            doc_number=doc.doc_number,
            written_date=min(doc.written_date or doc.formed_date, today),
            attribute="proactive",
            item=str(doc.index_number),
        )
    others = [
        (f"关于{today.year}年教育收费专项检查情况的通报", "on_application", "", 12),
        ("关于学校布局调整方案征求意见的函", "on_application", "", 20),
        ("关于调整局机关处室工作人员的通知", "withheld", "internal", 25),
        ("关于高考试卷运送安保工作的通知", "withheld", "state_secret", 35),
        ("局党组会议纪要", "withheld", "process", 8),
    ]
    for title, attribute, reason, age in others:
        record = register.issued_register(
            actor=reviewer,
            org=org,
            title=title,
            written_date=today - dt.timedelta(days=age),
            attribute=attribute,
            reason=reason,
        )
        if title.startswith("关于学校布局"):
            register.issued_make_proactive(
                actor=clerk, record=record, topic="T1102", basis="多人申请公开同一信息（第四十四条）"
            )


def _demo_key_columns(org: Organisation, users: dict[str, Any], today: dt.date) -> None:
    """Three key-area columns of the education bureau: 义务教育 (monthly, its items filed), 财政预决算
    (yearly) and 公共资源交易 (monthly, opened last year and silent since, so it shows as overdue)."""
    from gongkai.catalogue import columns
    from gongkai.catalogue.models import Document, DocumentState, KeyColumn

    clerk = users["jyj_clerk"]
    education = columns.column_open(actor=clerk, org=org, area="BZ20", frequency="monthly")
    filed = Document.objects.filter(org=org, state=DocumentState.PUBLISHED).order_by("-published_date")[:8]
    columns.column_file(actor=clerk, column=education, items=[str(d.index_number) for d in filed])
    columns.column_open(actor=clerk, org=org, area="BZ03", frequency="yearly", name="部门预决算")
    silent = columns.column_open(actor=clerk, org=org, area="BZ02", frequency="monthly")
    # Demo history: the column was opened a year ago (the service stamps today).
    KeyColumn.objects.filter(pk=silent.pk).update(created_at=timezone.now() - dt.timedelta(days=365))


def _demo_supervision(org: Organisation, users: dict[str, Any]) -> None:
    """The city's supervisor has found that the education bureau's 公共资源交易 column has gone
    silent; the bureau has reported its rectification, which awaits the office's decision."""
    from gongkai.supervision import services as supervision

    finding = supervision.finding_open(
        actor=users["hhht_supervisor"],
        org=org,
        title="重点领域栏目逾期未更新",
        detail="“公共资源交易”栏目声明每月更新，已超过一年没有新的信息。\n请更新栏目内容，并建立栏目更新责任制度。",
        working_days=15,
        indicator="columns_overdue",
    )
    supervision.finding_transition(
        actor=users["jyj_clerk"],
        finding=finding,
        action="respond",
        text="已明确栏目责任人，补充发布本年度公共资源交易信息，并纳入月度检查。",
    )


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "海燕",
]
REQUESTS = [
    "{year}年度部门预算、决算及“三公”经费情况",
    "关于{area}的实施方案及配套文件",
    "{year}年{area}专项资金分配明细",
    "{area}有关事项的会议纪要",
    "本单位{year}年政府采购项目的合同文本",
    "我家所在小区{area}相关的规划审批文件",
    "{year}年{area}工作的检查通报及整改情况",
]
# (what happens to the application, share). Each runs through the services, so the demo shows real
# letters, deadlines and an audit trail.
APPLICATION_PLANS = [
    "received",
    "in_review",
    "in_review",
    "correction",
    "consulting",
    "extended",
    "extension_proposed",
    "fee",
    "overdue",
    "disclose",
    "disclose",
    "public_already",
    "partial",
    "withhold",
    "not_exist",
    "not_this_body",
    "not_gi",
    "appealed",
]


def _demo_applications(rng: random.Random, today: dt.date, bodies: list[tuple[Organisation, Any, Any]]) -> int:
    from gongkai.applications import disclosed
    from gongkai.applications import services as apps
    from gongkai.applications.identity import check_character as id_check
    from gongkai.applications.uploads import Upload

    created = 0
    for org, clerk, leader in bodies:
        cal = WorkingCalendar(org)
        for n, plan in enumerate(APPLICATION_PLANS * 2):
            age = 45 if plan in ("overdue", "appealed") else rng.randint(1, 30)
            received = today - dt.timedelta(days=age)
            if plan in ("correction",):
                received = today - dt.timedelta(days=rng.randint(1, 4))
            born = f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            first17 = f"150102{born}{rng.randint(0, 999):03d}"
            is_person = n % 5 != 4
            applicant = {
                "applicant_type": "NAT" if is_person else rng.choice(["BIZ", "LAW", "NPO"]),
                "applicant_name": (rng.choice(SURNAMES) + rng.choice(GIVEN))
                if is_person
                else rng.choice(["内蒙古某律师事务所", "呼和浩特市某科技有限公司", "某公益基金会"]),
                "id_number": first17 + id_check(first17) if is_person else demo_credit_code("150100", 9000 + n),
                "contact_person": "" if is_person else "赵经理",
                "phone": f"13{rng.randint(100000000, 999999999)}",
                "email": f"applicant{n}@example.com",
                "address": f"呼和浩特市新城区示例路{rng.randint(1, 200)}号",
                "postcode": "010010",
                "description": rng.choice(REQUESTS).format(
                    year=today.year - 1, area=rng.choice(AREAS.get(org.slug.split("-")[-1], ["政务公开"]))
                ),
                "delivery_form": "electronic",
                "delivery_way": "email",
            }
            if n % 3 == 0:
                result = apps.register(
                    actor=clerk, org=org, channel="in_person", applicant=applicant, submitted_on=received
                )
            else:
                result = apps.submit_online(org=org, applicant=applicant, secret="demo-secret", today=received)
            app = result.application
            created += 1
            next_day = min(cal.add_working_days(received, 1).due, today)

            def go(action: str, on: dt.date, actor: Actor = clerk, **params: Any) -> None:
                nonlocal app
                app = apps.transition(actor=actor, application=app, action=action, on=min(on, today), **params)

            if plan == "received":
                continue
            if plan == "correction":
                go("request_correction", next_day, items="请写明所需信息的文号或形成时间")
                continue
            go("accept", next_day)
            later = min(cal.add_working_days(received, 5).due, today)
            if plan == "consulting":
                go("consult", later, party="相关企业", kind="third_party")
            elif plan in ("extended", "extension_proposed"):
                go("propose_extension", later, days=15, reason="所需信息涉及多个单位，需要汇总")
                if plan == "extended":
                    go("approve_extension", later, actor=leader)
            elif plan == "fee":
                go("fee_notice", later, pages=45)
            elif plan in ("in_review", "overdue"):
                pass
            else:
                reply = {
                    "disclose": ("DISCLOSE", "", ""),
                    "public_already": ("PUBLIC_ALREADY", "", "该信息已在本机关政府信息公开专栏主动公开。"),
                    "partial": ("PARTIAL", "", "涉及个人的名单已作删除处理。"),
                    "withhold": ("WITHHOLD", "D6", "所申请信息为内部讨论记录，属于过程性信息。"),
                    "not_exist": ("NOT_EXIST", "", ""),
                    "not_this_body": ("NOT_THIS_BODY", "", ""),
                    "not_gi": (None, "", "您反映的问题请通过12345政务服务便民热线提出。"),
                    "appealed": ("DISCLOSE", "", "见附件。"),
                }[plan]
                on = min(cal.add_working_days(received, rng.randint(6, 18)).due, today)
                if plan in ("disclose", "partial", "appealed"):
                    # The information provided, as the applicant downloads it from the tracking page.
                    disclosed.add_files(
                        actor=clerk,
                        application=app,
                        uploads=[Upload(f"{app.description[:30]}.txt", f"（演示）{app.description}\n".encode())],
                    )
                if reply[0] is None:
                    go("not_gi", on, text=reply[2])
                else:
                    go(
                        "reply",
                        on,
                        reply_type=reply[0],
                        outcome=reply[1],
                        text=reply[2],
                        withheld=[{"item": "涉及个人的名单", "reason": "涉及个人隐私（第十五条）"}]
                        if plan == "partial"
                        else None,
                        competent_body="呼和浩特市自然资源局，电话0471-0000000" if plan == "not_this_body" else "",
                    )
                if plan == "appealed":
                    apps.appeal_record(
                        actor=clerk,
                        application=app,
                        kind="reconsideration",
                        filed_on=min(on + dt.timedelta(days=10), today),
                        authority="呼和浩特市人民政府",
                    )
    return created


def _plan(rng: random.Random, n: int) -> str:
    fixed = {0: "draft", 1: "submitted", 2: "reviewed", 3: "approved", 4: "revoked", 5: "withdrawn", 6: "rejected"}
    return fixed.get(n, "published")


def _staff_for(org: Organisation, users: dict[str, Any], User: Any, admin: Any, key: str) -> tuple[Any, Any, Any]:
    if f"{key}_clerk" in users:
        return users[f"{key}_clerk"], users[f"{key}_reviewer"], users[f"{key}_leader"]
    trio = []
    for role in (Role.CLERK, Role.REVIEWER, Role.LEADER):
        user, _ = User.objects.get_or_create(username=f"{key}_{role}")
        user.set_password(DEMO_PASSWORD)
        user.save()
        orgs.membership_grant(actor=admin, user=user, org=org, role=role)
        trio.append(user)
    return trio[0], trio[1], trio[2]


RULES = """一、政府信息公开申请登记、审核、办理、答复、归档制度
本机关对收到的政府信息公开申请逐件登记，依照《中华人民共和国政府信息公开条例》第二十九条至第四十五条的规定审核、办理和答复，并将申请、答复及相关材料归档。

二、政府信息公开保密审查制度
拟公开的政府信息，由承办机构提出公开意见，经保密审查人员审查、分管领导审批后公开。不能确定是否可以公开的，依照法律、法规和国家有关规定报有关主管部门或者保密行政管理部门确定。

三、主动公开制度
属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内及时公开。法律、法规对政府信息公开的期限另有规定的，从其规定。

四、监督考核制度
本机关政府信息公开工作接受上级行政机关和政府信息公开工作主管部门的监督检查，接受社会评议，并于每年1月31日前公布本机关上一年度政府信息公开工作年度报告。"""
