"""The default list of key areas (重点领域), which the administrator then edits.

- ``BZ01..BZ25``: the 25 areas of the national 基层政务公开标准目录 seen on county sites (spec §5,
  S15). A 26th area (believed 生态环境) is not verified and not added; an administrator adds it.
- ``A20_01..15``: the items of 条例 第二十条 (taken from the ``art20`` vocabulary of migration 0002),
  which key-area practice names as columns (财政预算、决算, 重大建设项目, 政府集中采购, 行政事业性收费,
  公务员招考 and the others), so a body can open a column for any of them.
- ``A21_01..07``: 第二十一条's further scope for 设区的市级 and 县级 governments and their departments.
"""

from django.db import migrations

STANDARD = [
    "重大建设项目",
    "公共资源交易",
    "财政预决算",
    "安全生产",
    "税收管理",
    "农村集体土地征收",
    "国有土地上房屋征收与补偿",
    "农村危房改造",
    "城市综合执法",
    "扶贫",
    "救灾",
    "社会救助",
    "养老服务",
    "户籍管理",
    "涉农补贴",
    "就业",
    "社会保险",
    "公共法律服务",
    "公共文化服务",
    "义务教育",
    "卫生健康",
    "市政服务",
    "食品药品监管",
    "城乡规划",
    "保障性住房",
]
ART21 = ["市政建设", "公共服务", "公益事业", "土地征收", "房屋征收", "治安管理", "社会救助"]


def seed(apps, schema_editor):
    KeyArea = apps.get_model("catalogue", "KeyArea")
    Term = apps.get_model("catalogue", "Term")
    art20 = list(
        Term.objects.filter(vocabulary="art20", version="2019").order_by("position").values_list("label", flat=True)
    )
    # The vocabulary's labels carry their ordinal, "（一）…"; the area is the item's name.
    art20 = [label.split("）", 1)[-1] for label in art20]
    rows = [("BZ", "standard", STANDARD), ("A20_", "art20", art20), ("A21_", "art21", ART21)]
    position = 0
    for prefix, source, labels in rows:
        for i, label in enumerate(labels, start=1):
            position += 1
            KeyArea.objects.get_or_create(
                code=f"{prefix}{i:02d}", defaults={"label": label, "source": source, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_key_columns")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
