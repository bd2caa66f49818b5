from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from gongkai.core import (
            checks,  # noqa: F401  (registers the system checks)
            logs,
            tasks,
        )

        tasks.schedule()
        request_finished.connect(logs.forget_request_id, dispatch_uid="gongkai.forget_request_id")
