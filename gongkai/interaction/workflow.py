"""What happens to a message, as one explicit state machine (``core.workflow``):

received ─reply→ replied            (the answer, within the channel's working-day limit)
received ─dismiss→ dismissed        (with the reason: a duplicate, no content, abuse)
received ─convert→ converted        (it asks for government information: an application is
                                     registered from it, Art. 29; the writer follows it with
                                     the same password)
replied ─publish→ replied           (question and answer made public, edited, with consent)
replied ─unpublish→ replied         (taken down, with the reason)
"""

from __future__ import annotations

from gongkai.applications.models import ApplicantType, DeliveryForm, DeliveryWay
from gongkai.core.workflow import Param, Transition, Workflow
from gongkai.interaction.models import MessageState as S

REPLY = Param("reply", "答复内容", kind="longtext", required=True, max_length=10_000)
# A form starts from the message and the reply as they are; the clerk removes the personal data.
QUESTION = Param(
    "question", "公开的问题（删除个人信息）", kind="longtext", required=True, max_length=10_000, current="body"
)
ANSWER = Param(
    "answer", "公开的答复（删除个人信息）", kind="longtext", required=True, max_length=10_000, current="reply"
)
APPLICANT_TYPE = Param(
    "applicant_type",
    "申请人类型",
    kind="choice",
    required=True,
    choices=lambda: ApplicantType.choices,
)
ID_NUMBER = Param("id_number", "身份证件号码或统一社会信用代码", required=True, max_length=30)
CONTACT = Param("contact_person", "联系人（法人或其他组织）", max_length=60)
DESCRIPTION = Param("description", "所需政府信息的描述", kind="longtext", required=True, max_length=5000)
# Art. 29(3): the form and the way the applicant wants the information (as the message asked, or
# as the clerk confirmed with the writer).
DELIVERY_FORM = Param(
    "delivery_form",
    "获取信息的形式",
    kind="choice",
    default=DeliveryForm.ELECTRONIC,
    choices=lambda: DeliveryForm.choices,
)
DELIVERY_WAY = Param(
    "delivery_way",
    "获取信息的方式、途径",
    kind="choice",
    default=DeliveryWay.ONLINE,
    choices=lambda: DeliveryWay.choices,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "reply", "message.reply", (S.RECEIVED,), S.REPLIED, "答复", params=(REPLY,), legend="答复留言", style="primary"
    ),
    Transition(
        "dismiss",
        "message.reply",
        (S.RECEIVED,),
        S.DISMISSED,
        "不予答复",
        needs_reason=True,
        reason_label="不予答复的理由（告知留言人）",
        style="danger",
    ),
    Transition(
        "convert",
        "message.reply",
        (S.RECEIVED,),
        S.CONVERTED,
        "转为政府信息公开申请",
        params=(APPLICANT_TYPE, ID_NUMBER, CONTACT, DESCRIPTION, DELIVERY_FORM, DELIVERY_WAY),
        legend="转为政府信息公开申请",
        note="留言实为申请获取政府信息的，登记为依申请公开（条例第二十九条），留言人用原查询密码查询办理进度。",
    ),
    Transition(
        "publish",
        "message.publish",
        (S.REPLIED,),
        S.REPLIED,
        "公开问答",
        params=(QUESTION, ANSWER),
        legend="公开留言和答复（留言人已同意）",
        note="公开前删除姓名、电话、地址、证件号码等个人信息。",
    ),
    Transition(
        "unpublish",
        "message.publish",
        (S.REPLIED,),
        S.REPLIED,
        "撤下公开",
        needs_reason=True,
        reason_label="撤下理由",
        style="danger",
    ),
)
MESSAGE = Workflow("message", "留言", TRANSITIONS)
