from django.conf import settings
from django.db import migrations, models


def analyse(apps, schema_editor):
    # SQLite's planner takes an index it has no statistics for as the most selective one.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {schema_editor.quote_name('children_child')}")


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0016_fewer_import_indexes'),
        ('organisations', '0002_organisation_registered_on_and_more'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['birth_date', 'merged_into', 'region', 'created_at', 'project'],
                               name='child_birth_idx'),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=True),
    ]
