from django.db import migrations


class Migration(migrations.Migration):
    """No change of tables. The summaries' triggers are made again after any migration runs
    (child_days.after_migrations): this one brings PostgreSQL's triggers of added files and links that let the
    screening import count its files together (child_days.counted_together)."""

    dependencies = [
        ('reports', '0004_case_area_served'),
    ]

    operations = []
