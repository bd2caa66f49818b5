from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gongkai.supervision"
    label = "supervision"
    verbose_name = "监督考核"

    def ready(self) -> None:
        from gongkai.supervision import jobs

        jobs.schedule()
