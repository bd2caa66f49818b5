"""Load official holidays and make-up working days for every year the chinese-calendar package covers.

Self-contained on purpose (migrations never import app code). ``manage.py calendar_load`` refreshes
the same data after the package is upgraded.
"""

from importlib.metadata import version

from django.db import migrations

NAME_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def forwards(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("calendars", "CalendarDay")
    CalendarYear = apps.get_model("calendars", "CalendarYear")
    label = f"chinese-calendar {version('chinesecalendar')}"
    rows = [
        CalendarDay(date=d, is_off_day=True, name=NAME_ZH.get(n, n), source="package")
        for d, n in chinese_calendar.holidays.items()
    ] + [
        CalendarDay(date=d, is_off_day=False, name=NAME_ZH.get(n, n) + "调休", source="package")
        for d, n in chinese_calendar.workdays.items()
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    years = {r.date.year for r in rows}
    for year in range(min(years), max(years) + 1):
        CalendarYear.objects.create(year=year, is_complete=True, source=label)


def backwards(apps, schema_editor):
    apps.get_model("calendars", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("calendars", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
