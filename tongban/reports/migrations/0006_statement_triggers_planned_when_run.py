from django.db import migrations


class Migration(migrations.Migration):
    """No change of tables. The summaries' triggers are made again after any migration runs: this one brings
    PostgreSQL's statement triggers that plan their statements each time they run (session_days.pg_function)."""

    dependencies = [
        ('reports', '0005_import_counts_later'),
    ]

    operations = []
