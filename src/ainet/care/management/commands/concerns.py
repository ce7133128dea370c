"""`ainet concerns escalate`: escalate every overdue concern report (run it from cron, e.g.
every 10 minutes; the staff queue also escalates on every load, so a missed run delays
nothing that anyone looks at).

    ainet concerns escalate [--format json]

Prints how many reports were escalated now; exits 0.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ainet.care import concerns


class Command(BaseCommand):
    help = "Concern reports. `escalate`: escalate overdue reports to the ward administrators."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        escalate = actions.add_parser(
            "escalate", help="Escalate reports not acknowledged or not acted on in time."
        )
        escalate.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "escalate":
            now = timezone.now()
            escalated = concerns.escalate_overdue(now)
            if options["format"] == "json":
                self.stdout.write(
                    json.dumps(
                        {
                            "at": now.isoformat(),
                            "escalated": len(escalated),
                            "reports": [r.pk for r in escalated],
                        }
                    )
                )
            else:
                self.stdout.write(
                    f"期限を過ぎた通報 {len(escalated)} 件をエスカレーションしました / "
                    f"escalated {len(escalated)} overdue report(s)"
                )
