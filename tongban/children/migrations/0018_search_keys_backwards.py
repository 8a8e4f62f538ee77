from django.conf import settings
from django.db import migrations, models


def read_backwards(apps, schema_editor):
    """Every file's pinyin and initials read backwards (SQLite has no reverse()), a thousand rows per statement."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, name_pinyin, name_initials FROM children_child")
        rows = [(pinyin[::-1], initials[::-1], pk) for pk, pinyin, initials in cursor.fetchall()]
        for start in range(0, len(rows), 1000):
            cursor.executemany("UPDATE children_child SET name_pinyin_rev = %s, name_initials_rev = %s WHERE id = %s",
                               rows[start:start + 1000])


def analyse(apps, schema_editor):
    # SQLite's planner takes an index it has no statistics for as the most selective one.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {schema_editor.quote_name('children_child')}")


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0017_child_birth_idx'),
        ('organisations', '0002_organisation_registered_on_and_more'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='child',
            name='name_initials_rev',
            field=models.CharField(default='', editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name='child',
            name='name_pinyin_rev',
            field=models.CharField(default='', editable=False, max_length=200),
        ),
        migrations.RunPython(read_backwards, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['name_pinyin'], name='child_pinyin_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['name_initials'], name='child_initials_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['name_initials_rev'], name='child_initials_rev_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['name_pinyin_rev'], name='child_pinyin_rev_idx'),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=True),
    ]
