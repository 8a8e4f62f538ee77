from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0001_initial"),
        ("children", "0009_child_anonymised_on"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("area", models.BigIntegerField()),
                ("project", models.BigIntegerField()),
                ("team", models.BigIntegerField()),
                ("kind", models.CharField(max_length=15)),
                ("sessions", models.IntegerField(default=0)),
                ("minutes", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("day", "area", "project", "team", "kind"),
                                                        name="session_day_key")],
            },
        ),
        # The triggers that keep it, and its first count, come after all migrations (session_days.py).
    ]
