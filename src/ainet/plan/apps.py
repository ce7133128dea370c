from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "ainet.plan"
    label = "plan"
