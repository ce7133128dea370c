from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "ainet.public"
    label = "public"
