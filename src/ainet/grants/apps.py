from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "ainet.grants"
    label = "grants"
