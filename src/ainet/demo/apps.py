from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ainet.demo"
    label = "demo"
    verbose_name = "Demo ward"
