"""Controlled vocabularies, version 1.

- topic ``govcn-2018``: the 22 gov.cn 主题分类 classes (spec §5, S9) with their sub-classes. The
  22 top classes are verbatim from the spec; the sub-class labels are our reading of gov.cn's
  policy library and are to be verified against S9 (docs/catalogue.md).
- genre ``gbt9704-2012``: the 15 kinds of 公文 of 《党政机关公文处理工作条例》 plus 其他.
- art20 ``2019``: the fifteen items of 条例 第二十条 (codes ART20_01..15).
Later versions are added by new migrations and flip ``is_current``; items keep their terms.
"""

from django.db import migrations

TOPICS = [
    (
        "国务院组织机构",
        [
            "国务院办公厅",
            "国务院组成部门",
            "国务院直属特设机构",
            "国务院直属机构",
            "国务院办事机构",
            "国务院直属事业单位",
            "国务院部委管理的国家局",
            "其他",
        ],
    ),
    ("综合政务", ["政务督查", "应急管理", "电子政务", "政务公开", "文秘工作", "信访", "其他"]),
    (
        "国民经济管理、国有资产监管",
        ["经济体制改革", "发展规划", "宏观经济", "统计", "物价", "国有资产监管", "节能与资源综合利用", "其他"],
    ),
    ("财政、金融、审计", ["财政", "税务", "银行", "保险", "证券", "审计", "其他"]),
    ("国土资源、能源", ["土地", "矿产", "海洋", "气象、水文、测绘、地震", "能源", "其他"]),
    ("农业、林业、水利", ["农业、畜牧业、渔业", "林业", "水利", "其他"]),
    ("工业、交通", ["工业", "交通", "信息产业（含电信）", "邮政", "其他"]),
    ("商贸、海关、旅游", ["国内贸易（含供销）", "对外经贸合作", "海关", "旅游", "其他"]),
    ("市场监管、安全生产监管", ["工商", "质量监督", "食品药品监管", "安全生产监管", "其他"]),
    ("城乡建设、环境保护", ["城乡建设（含住房）", "环境监测、保护与治理", "其他"]),
    ("科技、教育", ["科技", "教育", "知识产权", "其他"]),
    ("文化、广电、新闻出版", ["文化", "广播、电影、电视", "新闻出版", "文物", "其他"]),
    ("卫生、体育", ["卫生", "医药管理", "体育", "其他"]),
    ("人口与计划生育、妇女儿童工作", ["人口与计划生育", "妇女儿童", "其他"]),
    ("劳动、人事、监察", ["劳动就业", "社会保障", "人事工作", "监察", "其他"]),
    ("公安、安全、司法", ["公安", "国家安全", "司法", "其他"]),
    ("民政、扶贫、救灾", ["减灾救灾", "扶贫", "社会福利", "社会救助", "优抚安置", "其他"]),
    ("民族、宗教", ["民族事务", "宗教事务", "其他"]),
    ("对外事务", ["外交、外事", "其他"]),
    ("港澳台侨工作", ["港澳工作", "台湾工作", "华侨工作", "其他"]),
    ("国防", ["国防动员", "民兵预备役", "其他"]),
    ("其他", []),
]

GENRES = [
    "决议",
    "决定",
    "命令（令）",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
    "其他",
]

ART20 = [
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
]
ORDINALS = "一二三四五六七八九十"


def _ordinal(n):
    if n <= 10:
        return ORDINALS[n - 1] if n < 10 else "十"
    return "十" + ORDINALS[n - 11]


def forwards(apps, schema_editor):
    Term = apps.get_model("catalogue", "Term")
    position = 0
    for i, (label, children) in enumerate(TOPICS, start=1):
        position += 1
        code = f"T{i:02d}"
        parent = Term.objects.create(
            vocabulary="topic", version="govcn-2018", code=code, label=label, position=position
        )
        for j, child in enumerate(children, start=1):
            position += 1
            Term.objects.create(
                vocabulary="topic",
                version="govcn-2018",
                code=f"{code}{j:02d}",
                label=child,
                parent=parent,
                position=position,
            )
    for i, label in enumerate(GENRES, start=1):
        Term.objects.create(vocabulary="genre", version="gbt9704-2012", code=f"G{i:02d}", label=label, position=i)
    for i, label in enumerate(ART20, start=1):
        Term.objects.create(
            vocabulary="art20", version="2019", code=f"ART20_{i:02d}", label=f"（{_ordinal(i)}）{label}", position=i
        )


def backwards(apps, schema_editor):
    Term = apps.get_model("catalogue", "Term")
    Term.objects.filter(parent__isnull=False).delete()
    Term.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
