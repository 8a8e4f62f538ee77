from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongban.core"
    verbose_name = _("Tongban")

    def ready(self) -> None:
        from tongban.core.choices import install_displays

        install_displays()
