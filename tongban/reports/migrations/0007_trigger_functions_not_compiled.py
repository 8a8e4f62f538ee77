from django.db import migrations


class Migration(migrations.Migration):
    """No change of tables. The summaries' triggers are made again after any migration runs: this one brings
    PostgreSQL's trigger functions that compile none of their statements (session_days.pg_function)."""

    dependencies = [
        ('reports', '0006_statement_triggers_planned_when_run'),
    ]

    operations = []
