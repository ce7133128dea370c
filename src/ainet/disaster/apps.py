from django.apps import AppConfig


class DisasterConfig(AppConfig):
    name = "ainet.disaster"
    label = "disaster"
