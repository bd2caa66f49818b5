"""The letters the Regulations require in writing, built from locked legal wording and an
organisation's fill-in regions.

Each kind of letter is a list of paragraphs written here, in code: the statements of law, the
articles cited and the applicant's rights cannot be edited by anyone. A paragraph may contain
``{fact}`` placeholders, filled from the application, and ``[region]`` placeholders, filled from
the organisation's ``LetterTemplate`` (contact details, an opening, a closing note). Administrators
edit only the regions (``services.letter_template_save``). The text is frozen when a letter is
issued; DOCX and PDF are rendered from that frozen text (``render``).

Over 400 lines on purpose: the legal wording of every letter is written out here, in one place a
reviewer reads against the Regulations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from gongkai.applications.models import Application, Letter, LetterKind
from gongkai.applications.outcomes import BY_CODE, REPLY_TYPES

REGULATIONS = "《中华人民共和国政府信息公开条例》"
# Art. 51 of the Regulations; the periods are those of the 行政复议法 (60 days) and the
# 行政诉讼法 (6 months).
RIGHTS = "{rights}"


def rights(what: str, org: Any, document: str = "") -> str:
    """The rights notice (Art. 51; 行政复议法 60 days, 行政诉讼法 6 months), naming the reconsideration
    body and the court from the body's own settings (``Organisation.reconsideration_body``,
    ``competent_court``), or in general terms while they are not set."""
    document = document or what
    reconsider = f"向{org.reconsideration_body}" if org.reconsideration_body else "依法"
    court = f"向{org.competent_court}" if org.competent_court else "依法向人民法院"
    return (
        f"如对本{what}不服，可以自收到本{document}之日起60日内{reconsider}申请行政复议，"
        f"或者自收到本{document}之日起6个月内{court}提起行政诉讼。"
    )


# The fill-in regions an organisation may edit, with their defaults (facts may be used in them).
REGIONS: dict[str, tuple[str, str]] = {
    "contact": ("联系方式", "联系机构：{office}；联系电话：{office_phone}；通信地址：{office_address}。"),
    "note": ("补充说明", ""),
    # 国办函〔2020〕109号: the notice tells the applicant how to pay; each body says where and how.
    "payment": (
        "缴费方式",
        "缴费方式：持本通知书到{office}（{office_address}）缴纳；其他缴费方式请致电{office_phone}咨询。",
    ),
}


@dataclass(frozen=True)
class Skeleton:
    title: str
    paragraphs: tuple[str, ...]
    to_applicant: bool = True
    # The rights notice's "如对本{what}不服，可以自收到本{document}之日起…", for letters that carry it.
    rights_what: str = ""
    rights_document: str = ""


_OPENING = "{applicant}：\n本机关于{received}收到您提出的政府信息公开申请（查询码：{code}），申请获取“{description}”。"

SKELETONS: dict[str, Skeleton] = {
    LetterKind.RECEIPT: Skeleton(
        "政府信息公开申请登记回执",
        (
            _OPENING,
            f"根据{REGULATIONS}第三十一条，本机关收到申请的日期为{{received}}。"
            f"根据第三十三条，本机关将自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
            f"经政府信息公开工作机构负责人同意并告知您，延长的期限最长不超过20个工作日。",
            "您可以凭查询码和您设置的查询密码，在本机关政府信息公开平台查询办理进度和答复文书。",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.CORRECTION: Skeleton(
        "政府信息公开申请补正告知书",
        (
            _OPENING,
            f"经审查，您的申请内容不明确。根据{REGULATIONS}第三十条的规定，请您对以下事项作出补正：{{correction_items}}",
            "请于{correction_due}前提交补正材料。答复期限自本机关收到补正的申请之日起计算。"
            "无正当理由逾期不补正的，视为放弃申请。",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.CONSULTATION: Skeleton(
        "政府信息公开征求意见函",
        ("{party}：", "{consultation}", "申请公开的政府信息：“{description}”。", "[contact]"),
        to_applicant=False,
    ),
    # Art. 32: the written notice to a third party whose objection the body overrides.
    LetterKind.THIRD_PARTY_DECISION: Skeleton(
        "政府信息公开决定告知书",
        (
            "{party}：",
            "本机关收到政府信息公开申请（查询码：{code}），申请公开的政府信息涉及贵方合法权益。"
            "本机关已书面征求贵方意见，贵方不同意公开。",
            f"本机关认为，不公开该政府信息可能对公共利益造成重大影响。根据{REGULATIONS}第三十二条的规定，"
            "本机关决定予以公开，现将决定公开的政府信息内容和理由书面告知如下：",
            "决定公开的内容：{content}",
            "理由：{ground}",
            RIGHTS,
            "[contact]",
        ),
        to_applicant=False,
        rights_what="决定",
        rights_document="告知书",
    ),
    # Art. 35: asking for the reasons of numerous or frequent requests, and the longer period.
    LetterKind.ART35_REASONS: Skeleton(
        "政府信息公开申请说明理由通知书",
        (
            _OPENING,
            f"经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据{REGULATIONS}第三十五条的规定，"
            "请您于{art35_reasons_due}前向本机关说明申请理由。",
            "本机关将根据您说明的理由依法处理：申请理由不合理的，告知您不予处理；申请理由合理，"
            "但无法在规定期限内答复的，确定延迟答复的合理期限并告知您。",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.ART35_DELAY: Skeleton(
        "政府信息公开申请延迟答复告知书",
        (
            _OPENING,
            f"本机关认为您说明的申请理由合理，但因{{art35_ground}}，无法在{REGULATIONS}第三十三条规定的期限内答复。"
            "根据第三十五条的规定，本机关确定延迟答复的合理期限至{art35_due}。",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.EXTENSION: Skeleton(
        "政府信息公开申请延期答复告知书",
        (
            _OPENING,
            f"因{{extension_reason}}，本机关不能在规定期限内作出答复。根据{REGULATIONS}第三十三条第二款的规定，"
            f"经政府信息公开工作机构负责人同意，答复期限延长{{extension_days}}个工作日，延长后的答复期限至{{due}}。",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.FEE: Skeleton(
        "政府信息公开信息处理费收费通知书",
        (
            _OPENING,
            f"根据{REGULATIONS}第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
            f"您的申请{{fee_basis}}，应缴纳信息处理费{{fee_yuan}}元。",
            "请于{fee_due}前按本通知载明的方式缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"
            "缴纳费用所需时间不计算在答复期限内。",
            "[payment]",
            "[note]",
            "[contact]",
        ),
    ),
    LetterKind.REPLY: Skeleton(
        "政府信息公开申请答复书",
        (_OPENING, "{reply_paragraphs}", "{documents}", "[note]", RIGHTS, "[contact]"),
        rights_what="答复",
    ),
    LetterKind.NOT_GI: Skeleton(
        "政府信息公开申请处理告知书",
        (
            _OPENING,
            f"经审查，您提出的申请属于信访、投诉、举报等诉求。根据{REGULATIONS}第三十九条第一款的规定，"
            f"本机关不作为政府信息公开申请处理，请您通过相应渠道提出。{{reply_text}}",
            "[note]",
            RIGHTS,
            "[contact]",
        ),
        rights_what="告知",
    ),
    # An "application" that asks a question rather than for information held (咨询): answered as a
    # consultation and closed; counted in table 三 as （六）其他处理 3.其他.
    LetterKind.ENQUIRY: Skeleton(
        "政府信息公开申请处理告知书",
        (
            _OPENING,
            "经审查，您提出的申请是就有关事项进行咨询，不是获取本机关在履行行政管理职能过程中制作或者获取的"
            "政府信息的申请，本机关不作为政府信息公开申请处理。现就您咨询的事项答复如下：{reply_text}",
            "[note]",
            RIGHTS,
            "[contact]",
        ),
        rights_what="告知",
    ),
    LetterKind.CLOSURE: Skeleton(
        "政府信息公开申请终止处理告知书",
        (_OPENING, "{closure_paragraph}", "[note]", RIGHTS, "[contact]"),
        rights_what="告知",
    ),
}

# The reply paragraph for each reply type (Art. 36–39): locked, with the article cited.
REPLY_PARAGRAPHS: dict[str, str] = {
    "PUBLIC_ALREADY": f"经审查，您申请获取的政府信息已经主动公开。根据{REGULATIONS}第三十六条第（一）项的规定，"
    "{provide}{reply_text}",
    "DISCLOSE": f"经审查，您申请获取的政府信息属于可以公开的政府信息。根据{REGULATIONS}第三十六条第（二）项的规定，"
    "{provide}{reply_text}",
    "PARTIAL": f"经审查，您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。"
    f"根据{REGULATIONS}第三十七条的规定，{{provide}}{{reply_text}}"
    "\n对不予公开的内容说明理由如下：\n{withheld}",
    "WITHHOLD": f"经审查，您申请获取的政府信息{{outcome_phrase}}。根据{REGULATIONS}{{basis}}"
    "和第三十六条第（三）项的规定，本机关决定不予公开。理由如下：{reply_text}",
    "NOT_EXIST": f"经检索，本机关没有您所申请的政府信息。根据{REGULATIONS}第三十六条第（四）项的规定，"
    "告知您该政府信息不存在。{reply_text}",
    "NOT_THIS_BODY": f"经审查，您申请获取的政府信息不属于本机关负责公开。根据{REGULATIONS}第三十六条第（五）项的规定，"
    "告知您：{competent}{reply_text}",
    "NEEDS_CREATION": "经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析。"
    f"根据{REGULATIONS}第三十八条的规定，本机关不予提供。{{reply_text}}",
    "STILL_UNCLEAR": f"您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息。根据{REGULATIONS}第三十条的规定，"
    "告知您无法提供。{reply_text}",
    "QUERY_PROCEDURE": "经审查，您申请获取的信息属于{query_law}对获取有特别规定的信息。"
    f"根据{REGULATIONS}第三十六条第（七）项的规定，请您依照{{query_law}}的规定，向{{query_where}}申请查询。"
    "{reply_text}",
    "NOT_HANDLED": f"经审查，您的申请{{outcome_phrase}}。根据{REGULATIONS}{{basis}}的规定，"
    "本机关不予处理。{reply_text}",
    "REPEATED": f"经审查，您已就同一政府信息向本机关提出过申请，本机关已作出答复，且您未提出新的理由。"
    f"根据{REGULATIONS}第三十六条第（六）项的规定，本机关不予重复处理。{{reply_text}}",
    "CLOSED": f"根据{REGULATIONS}的有关规定，本机关对您的申请作如下处理：{{reply_text}}",
}

CLOSURE_PARAGRAPHS: dict[str, str] = {
    "withdrawn": "您于{withdrawn}撤回了上述政府信息公开申请。本机关对该申请终止处理。",
    "O1": f"本机关已于{{correction_requested}}告知您作出补正，您未在补正期限（{{correction_due}}前）内补正。"
    f"根据{REGULATIONS}第三十条的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。",
    "O2": "本机关已于{fee_notice}向您发出收费通知，您未在缴费期限（{fee_due}前）内缴纳信息处理费。"
    "根据《政府信息公开信息处理费管理办法》的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。",
}

# Art. 32 (a third party) and Art. 34 (another body): who is asked, and under which article.
CONSULTATIONS = {
    "third_party": "本机关收到政府信息公开申请，申请公开的政府信息可能损害贵方合法权益。"
    f"根据{REGULATIONS}第三十二条的规定，现书面征求贵方意见，请自收到本函之日起15个工作日内提出意见。"
    "逾期未提出意见的，由本机关依照条例的规定决定是否公开。",
    "agency": "本机关收到政府信息公开申请，申请公开的政府信息由本机关与贵机关共同制作。"
    f"根据{REGULATIONS}第三十四条的规定，现书面征求贵机关意见，请自收到本函之日起15个工作日内提出意见。"
    "逾期未提出意见的，视为同意公开。",
}


def consultation_text(kind: str) -> str:
    return CONSULTATIONS[kind]


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_REGION = re.compile(r"^\[(\w+)\]$")


COMPETENT_UNKNOWN = "经查询，本机关无法确定负责公开该政府信息的行政机关"

# What the reply says the request is, for the rows whose letter states it (Art. 14–16, 35, 39), in
# the words of the Regulations.
OUTCOME_PHRASES = {
    "D1": "属于国家秘密",
    "D2": "属于法律、行政法规禁止公开的政府信息",
    "D3": "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "D4": "公开会损害第三方合法权益，且不公开不会对公共利益造成重大影响",
    "D5": "属于人事管理、后勤管理、内部工作流程等方面的内部事务信息",
    "D6": "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息",
    "D7": "属于行政执法案卷信息",
    "N1": "属于以政府信息公开申请的形式进行信访、投诉、举报等活动",
    "N3": "属于要求提供政府公报、报刊、书籍等公开出版物",
    "N4": "数量、频次明显超过合理范围，且您说明的申请理由不合理",
    "N5": "属于要求行政机关确认或者重新出具已获取的信息",
}

# How the information is provided (Art. 36(1)(2), 37), by reply type: with the documents attached to
# the reply, or by the way, place and time the reply text gives.
_PROVIDE_ATTACHED = {
    "PUBLIC_ALREADY": "现告知您获取该政府信息的方式和途径，见本答复书所列信息。",
    "DISCLOSE": "现向您提供该政府信息，见本答复书所列材料。",
    "PARTIAL": "本机关向您提供可以公开的政府信息内容，见本答复书所列材料。",
}
_PROVIDE_BY_TEXT = {
    "PUBLIC_ALREADY": "现告知您获取该政府信息的方式和途径：",
    "DISCLOSE": "现告知您获取该政府信息的方式、途径和时间：",
    "PARTIAL": "本机关向您提供可以公开的政府信息内容，获取的方式、途径和时间如下：",
}


def _documents(app: Application) -> tuple[str, list[str]]:
    """The 附件 block of a reply: one line per document provided (Art. 36(1)(2), 37)."""
    if app.pk is None:
        return "", []
    lines = []
    for i, doc in enumerate(app.reply_documents.select_related("item__org"), 1):
        if doc.item_id is not None and doc.item is not None:
            where = f"{settings.GONGKAI_PUBLIC_URL}{reverse('portal:item', args=[doc.item.org.slug, doc.item.pk])}"
            number = f"索引号：{doc.item.index_number}；" if doc.item.index_number else ""
            lines.append(f"{i}. {doc.title}（{number}网址：{where}）")
        else:
            lines.append(f"{i}. {doc.title}（可凭查询码和查询密码在政府信息公开平台下载）")
    if not lines:
        return "", []
    return "附件：\n" + "\n".join(lines), lines


_TRAILING = "。．.，,；;：:！!？? \t"


def clause(text: str) -> str:
    """Free text set inside a sentence of locked wording: without its own closing punctuation, so the
    sentence does not read "因……。，" ."""
    return (text or "").strip().rstrip(_TRAILING)


def sentence(text: str) -> str:
    """Free text that ends a paragraph: closed with a full stop if it has none."""
    text = (text or "").strip()
    if not text or text[-1] in "…）)”』」":
        return text
    core = text.rstrip(_TRAILING)
    if not core:
        return ""
    end = "！" if text[-1] in "！!" else "？" if text[-1] in "？?" else "。"
    return core + end


def cn_date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def facts(app: Application, **extra: Any) -> dict[str, str]:
    org = app.org
    outcome = BY_CODE.get(app.outcome)
    withheld = "\n".join(f"{i}. {w.get('item', '')}：{w.get('reason', '')}" for i, w in enumerate(app.withheld, 1))
    data = {
        "applicant": app.applicant_name,
        "code": app.tracking_code,
        "received": cn_date(app.received_on),
        "description": clause(app.description[:300]),
        "correction_items": sentence(app.correction_items),
        "correction_due": cn_date(app.correction_due),
        "correction_requested": cn_date(app.correction_requested_on),
        "extension_reason": clause(app.extension_reason),
        "art35_reasons_due": cn_date(app.art35_reasons_due),
        "art35_due": cn_date(app.art35_due),
        "art35_ground": clause(app.art35_ground),
        "query_law": app.query_law,
        "query_where": clause(app.query_where),
        "extension_days": str(app.extension_days),
        "due": cn_date(app.due_date),
        "fee_yuan": str(app.fee_yuan),
        "fee_basis": (
            f"按量计收（{app.fee_pages}页）"
            if app.fee_scale == "page"
            else f"为本月向本机关提出的第{app.month_seq}件申请，按件计收"
        ),
        "fee_due": cn_date(app.fee_due),
        "fee_notice": cn_date(app.fee_notice_on),
        "withdrawn": cn_date(app.withdrawn_on),
        "reply_text": sentence(app.reply_text),
        "outcome_phrase": OUTCOME_PHRASES.get(app.outcome, ""),
        "basis": outcome.basis if outcome else "",
        "withheld": withheld,
        "competent_body": app.competent_body,
        "competent": (
            f"{app.competent_body}。"
            if app.competent_body == COMPETENT_UNKNOWN
            else f"负责公开该政府信息的行政机关为{clause(app.competent_body)}。"
        ),
        "office": org.office_name or org.name,
        "office_phone": org.office_phone or "—",
        "office_address": org.office_address or "—",
        "party": "",
    }
    documents, lines = _documents(app)
    data["documents"] = documents
    if app.reply_type in _PROVIDE_ATTACHED:
        data["provide"] = (_PROVIDE_ATTACHED if lines else _PROVIDE_BY_TEXT)[app.reply_type]
    data.update({k: str(v) for k, v in extra.items()})
    return data


def _fill(text: str, values: dict[str, str]) -> str:
    # Substitution in one pass: a value that itself contains braces (an applicant's description)
    # is never read as a placeholder.
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def region_name(paragraph: str) -> str | None:
    """The region a skeleton paragraph stands for, or None for locked wording."""
    match = _REGION.match(paragraph)
    return match.group(1) if match else None


def compose(kind: str, app: Application, regions: dict[str, str], **extra: Any) -> tuple[str, list[str], bool]:
    """The title, paragraphs and addressee flag of a letter of this kind for this application."""
    skeleton = SKELETONS[kind]
    values = facts(app, **extra)
    # The locked wording addresses a person as 您 and an organisation as 贵单位 (never "您（单位）");
    # what the clerk or the body typed is left as written.
    you = "您" if app.applicant_type == "NAT" else "贵单位"
    for key in ("provide", "fee_basis", "outcome_phrase"):  # facts written in the locked wording's voice
        if key in values:
            values[key] = values[key].replace("您", you)

    def locked(text: str) -> str:
        return _fill(text.replace("您", you), values)

    if skeleton.rights_what:
        values["rights"] = rights(skeleton.rights_what, app.org, skeleton.rights_document)
    if kind == LetterKind.REPLY:
        values["reply_paragraphs"] = locked(REPLY_PARAGRAPHS[app.reply_type])
        title = f"政府信息公开申请答复书（{REPLY_TYPES[app.reply_type][0]}）"
    elif kind == LetterKind.CLOSURE:
        key = "withdrawn" if app.withdrawn_on else app.outcome
        values["closure_paragraph"] = locked(CLOSURE_PARAGRAPHS.get(key, "{reply_text}"))
        title = skeleton.title
    else:
        title = skeleton.title
    paragraphs: list[str] = []
    for para in skeleton.paragraphs:
        region = _REGION.match(para)
        if region:
            text = regions.get(region.group(1), REGIONS[region.group(1)][1])
            text = _fill(text, values).strip()
            if text:
                paragraphs.append(text)
            continue
        for line in locked(para).split("\n"):
            if line.strip():
                paragraphs.append(line)
    return title, paragraphs, skeleton.to_applicant


def region_problem(name: str, text: str) -> str | None:
    """A region may use the facts but not smuggle in another region or an unknown placeholder."""
    if name not in REGIONS:
        return f"没有名为“{name}”的可编辑区域。"
    if len(text) > 1000:
        return f"“{REGIONS[name][0]}”不能超过1000个字。"
    known = set(facts_keys())
    unknown = sorted({m for m in _PLACEHOLDER.findall(text) if m not in known})
    if unknown:
        return f"“{REGIONS[name][0]}”中有未知的占位符：{'、'.join(unknown)}。"
    return None


def facts_keys() -> tuple[str, ...]:
    return (
        "applicant",
        "code",
        "received",
        "description",
        "due",
        "office",
        "office_phone",
        "office_address",
    )


def _masker(app: Application, masks: dict[str, str]) -> Callable[[str], str]:
    pairs = sorted(
        ((str(getattr(app, field)), shown) for field, shown in masks.items() if getattr(app, field)),
        key=lambda pair: -len(pair[0]),
    )

    def mask(text: str) -> str:
        for value, shown in pairs:
            if value != shown:
                text = text.replace(value, shown)
        return text

    return mask


def masked_preview(app: Application, letter: Any, masks: dict[str, str]) -> dict[str, Any]:
    """A letter about to be issued (``services.LetterPreview``), masked like ``masked_copy``."""
    mask = _masker(app, masks)
    return {
        "title": letter.title,
        "number": letter.number,
        "recipient": mask(letter.recipient),
        "body": [mask(p) for p in letter.body],
        "issuer": app.org.name,
        "issued_on": letter.issued_on,
    }


def masked_copy(letter: Letter, masks: dict[str, str]) -> Letter:
    """An unsaved copy of the letter in which the applicant's personal data (the values behind
    ``masks``, from ``selectors.masked``) reads masked: what staff see without a logged reveal."""
    app = letter.application
    mask = _masker(app, masks)
    return Letter(
        application=app,
        kind=letter.kind,
        number=letter.number,
        title=letter.title,
        recipient=mask(letter.recipient),
        body=[mask(str(p)) for p in letter.body],
        issuer=letter.issuer,
        issued_on=letter.issued_on,
        to_applicant=letter.to_applicant,
    )
