from django.db import migrations, models


def analyse(apps, schema_editor):
    # SQLite's planner takes an index it has no statistics for as the most selective one.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {schema_editor.quote_name('children_child')}")


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0013_statistics_indexes'),
    ]

    # The new index is built before the old one goes, so that the pages keep an index meanwhile.
    operations = [
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['region', 'id', 'risk', 'merged_into', 'status', 'name_pinyin'],
                               name='child_region_files_idx'),
        ),
        migrations.RemoveIndex(
            model_name='child',
            name='child_region_risk_idx',
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=True),
    ]
