from django.apps import AppConfig

# The audit trail's labels of this app's events that are not a staff step of the workflow table, or
# that the history words otherwise (a closing for a lapsed period is recorded as 终止处理).
EVENT_LABELS = {
    "application.received": "登记申请",
    "application.abandon": "逾期未补正，终止处理",
    "application.fee_lapsed": "逾期未缴费，终止处理",
    "application.reveal": "查看申请人个人信息",
    "application.document_added": "附上答复提供的政府信息",
    "application.withdraw": "申请人撤回申请",
    "application.rated": "申请人评价",
    "application.search_personal": "按申请人完整信息查找申请",
    "application.made_proactive": "转为主动公开（第四十四条）",
    "application.deadline_recomputed": "节假日安排载入后重新计算期限",
    "application.secret_reset": "重置查询密码",
    "application.secret_reset_code": "发放查询密码重置码",
    "application.document_removed": "移除答复提供的政府信息",
    "application.track_locked": "查询码因多次输错密码被锁定",
    "application.track_unlocked": "查询码解除锁定",
    "appeal.recorded": "登记行政复议、行政诉讼",
    "appeal.decided": "登记复议、诉讼结果",
    "letters.template_saved": "修改文书模板",
}


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from gongkai.applications import jobs, workflow
        from gongkai.core import audit

        jobs.schedule()

        audit.register_labels(EVENT_LABELS)
        # Every staff step is labelled as the workflow table names it.
        audit.register_labels(workflow.STAFF.event_labels())
