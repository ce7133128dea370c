from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ainet.reports"
    label = "reports"
