from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ainet.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ainet.core import authentication, ratelimit

        authentication.connect_signals()
        # The counts of public form posts live in a database cache table (settings.CACHES).
        post_migrate.connect(ratelimit.create_cache_table, sender=self)
