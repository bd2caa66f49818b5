from django.apps import AppConfig


class OpennessConfig(AppConfig):
    name = "gongkai.openness"
    label = "openness"
    verbose_name = "公开工作记录"
