import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_served_children_index'),
        ('reports', '0002_child_summaries'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseArea',
            fields=[
                ('case', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='cases.case')),
                ('area', models.BigIntegerField()),
                ('project', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['area', 'project', 'case'], name='case_area_idx')],
            },
        ),
        # The triggers that keep it, and its first fill from the cases on record, come after all migrations
        # (case_areas.after_migrations, as for the sessions' summary).
]
