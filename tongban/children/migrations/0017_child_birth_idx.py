from django.conf import settings
from django.db import migrations, models


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
            index=models.Index(fields=['birth_date', 'merged_into', 'region', 'created_at', 'project'], name='child_birth_idx'),
        ),
    ]
