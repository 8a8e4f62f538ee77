from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_session_day'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChildBirthMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('area', models.BigIntegerField()),
                ('project', models.BigIntegerField()),
                ('born', models.DateField()),
                ('files', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'area', 'project', 'born'), name='child_birth_month_key')],
            },
        ),
        migrations.CreateModel(
            name='ChildCategoryDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('area', models.BigIntegerField()),
                ('project', models.BigIntegerField()),
                ('category', models.BigIntegerField()),
                ('files', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'area', 'project', 'category'), name='child_category_day_key')],
            },
        ),
        migrations.CreateModel(
            name='ChildDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('area', models.BigIntegerField()),
                ('project', models.BigIntegerField()),
                ('sex', models.CharField(max_length=1)),
                ('ethnicity', models.CharField(max_length=10)),
                ('files', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'area', 'project', 'sex', 'ethnicity'), name='child_day_key')],
            },
        ),
        # The triggers that keep them, and their first count of the files on record, come after all migrations
        # (child_days.after_migrations, as for the sessions' summary).
]
