"""`ainet serve`: migrate if needed, build the demo ward into an empty database, then serve."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, build the demo ward if the database is empty, and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="Do not build the demo ward.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo", if_empty=True)
        self.stdout.write(f"http://{options['addrport']}/  (Ctrl-C to stop / 終了は Ctrl-C)")
        call_command(
            "runserver",
            options["addrport"],
            use_reloader=False,
            insecure_serving=not settings.DEBUG,
        )
