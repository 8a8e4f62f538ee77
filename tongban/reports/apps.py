from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tongban.reports"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from tongban.reports import case_areas, child_days, session_days

        # Not a rule of the domain: the triggers of the summaries are set aside while the schema changes.
        pre_migrate.connect(session_days.before_migrations, sender=self)
        post_migrate.connect(session_days.after_migrations, sender=self)
        pre_migrate.connect(child_days.before_migrations, sender=self)
        post_migrate.connect(child_days.after_migrations, sender=self)
        pre_migrate.connect(case_areas.before_migrations, sender=self)
        post_migrate.connect(case_areas.after_migrations, sender=self)
