from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ainet.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ainet.core import authentication

        authentication.connect_signals()
