from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "ainet.volunteers"
    label = "volunteers"
