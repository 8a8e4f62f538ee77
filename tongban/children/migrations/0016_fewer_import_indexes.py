
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def analyse(apps, schema_editor):
    # SQLite rebuilds a table to change its fields' indexes and forgets its statistics with the old table; its
    # planner then takes an index it has no statistics for as the most selective one.
    with schema_editor.connection.cursor() as cursor:
        for table in ("children_child", "children_childcategory", "children_familymember"):
            cursor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


def drop_digest_index(apps, schema_editor):
    table = apps.get_model("children", "Child")._meta.db_table
    name = schema_editor._create_index_name(table, ["id_digest"])
    for index in (name, f"{name}_like"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0015_family_member_version'),
        ('organisations', '0002_organisation_registered_on_and_more'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Indexes that no query needs and every insert pays for (a screening import writes 50,000 files at once):
    # PostgreSQL's pattern-matching twins (varchar_pattern_ops) of the digests, which are compared only with "=";
    # the full ID digest's own index beside one_current_file_per_id_number; the project's, which every list index
    # starts with; a child's categories', which category_once_per_child starts with. The worker's and the merged
    # files' become partial, holding only the files that have one. New indexes first, so that searches keep one.
    operations = [
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['id_tail4'], name='child_id_tail4_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['id_tail5'], name='child_id_tail5_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['id_tail6'], name='child_id_tail6_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(condition=models.Q(('assigned_worker__isnull', False)), fields=['assigned_worker'], name='child_assigned_worker_idx'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='child_merged_into_idx'),
        ),
        migrations.AddIndex(
            model_name='familymember',
            index=models.Index(fields=['phone_digest'], name='family_phone_digest_idx'),
        ),
        migrations.AlterField(
            model_name='child',
            name='assigned_worker',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned social worker'),
        ),
        # Not AlterField: on PostgreSQL it drops every index of the column alone, the partial unique index of
        # one_current_file_per_id_number with the plain one. Only Django's own two go (the second on PostgreSQL).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='child',
                name='id_digest',
                field=models.CharField(blank=True, editable=False, max_length=40),
            )],
            database_operations=[migrations.RunPython(drop_digest_index, migrations.RunPython.noop)],
        ),
        migrations.AlterField(
            model_name='child',
            name='id_tail4',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='child',
            name='id_tail5',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='child',
            name='id_tail6',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='child',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_from', to='children.child', verbose_name='merged into'),
        ),
        migrations.AlterField(
            model_name='child',
            name='project',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='organisations.project', verbose_name='project'),
        ),
        migrations.AlterField(
            model_name='childcategory',
            name='child',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='categories', to='children.child'),
        ),
        migrations.AlterField(
            model_name='familymember',
            name='phone_digest',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=True),
    ]
