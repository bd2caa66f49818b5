from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The project's own demonstration data (`make run`, `manage.py load_demo`): a province, a city and
    its departments, people in every role, catalogue items, applications in every state, a report."""

    name = "gongkai.demo"
    label = "demo"
    verbose_name = "演示数据"
