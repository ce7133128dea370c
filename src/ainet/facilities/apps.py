from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "ainet.facilities"
    label = "facilities"
