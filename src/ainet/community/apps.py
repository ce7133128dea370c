from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ainet.community"
    label = "community"
