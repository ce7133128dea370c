from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "ainet.care"
    label = "care"
