"""Seed the activity types of the two programmes and the five "dream" brand lines (5个筑梦) of the Ordos project.

Both are configurable data: places rename them, add their own or stop using one under Administration.
"""

from django.db import migrations

TYPES = [
    ("birthday_party", "爱心生日会"),
    ("after_school_630", "六点半课堂"),
    ("ethnic_unity", "民族团结活动"),
    ("traditional_culture", "国学传统文化"),
    ("volunteer_service", "志愿服务"),
    ("companionship", "暖心陪伴"),
    ("practice_camp", "融情实践营"),
    ("youth_social", "青年联谊"),
    ("group_counselling", "团体心理辅导"),
]
BRAND_LINES = [
    ("technology", "科技筑梦"),
    ("culture", "文化筑梦"),
    ("study_tour", "研学筑梦"),
    ("health", "健康筑梦"),
    ("resources", "资源筑梦"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ActivityType = apps.get_model("activities", "ActivityType")
    BrandLine = apps.get_model("activities", "BrandLine")
    for order, (code, name) in enumerate(TYPES, start=1):
        ActivityType.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})
    for order, (code, name) in enumerate(BRAND_LINES, start=1):
        BrandLine.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("activities", "ActivityType").objects.filter(code__in=[c for c, _ in TYPES]).delete()
    apps.get_model("activities", "BrandLine").objects.filter(code__in=[c for c, _ in BRAND_LINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
