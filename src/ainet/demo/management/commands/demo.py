"""`ainet demo`: build the synthetic demo ward and print its log-ins."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from tqdm import tqdm

from ainet.demo import builder
from ainet.demo.care_demo import build_care
from ainet.demo.history import build_history
from ainet.demo.public_demo import build_upcoming_events
from ainet.demo.volunteer_centre import build_volunteer_centre
from ainet.disaster.demo import build_disaster_plans, build_safety_drills

STEPS = ("municipality", "districts", "town blocks", "organisations", "accounts")
HISTORY_STEPS = (
    "plan",
    "committee",
    "support teams",
    "district plans",
    "forums and events",
    "grants",
    "volunteers",
    "facilities",
)
CARE_STEPS = ("people who need support",)
CENTRE_STEPS = ("volunteer centre",)


class Command(BaseCommand):
    help = "Build the demo ward (Tsurumi, 141011) with synthetic records; print the demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list-accounts",
            action="store_true",
            help="Only print the demo accounts; build nothing.",
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Build only when the database holds no municipality at all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        if not options["list_accounts"]:
            self._build(quiet=as_json, if_empty=options["if_empty"])
            if not builder.demo_exists():
                return  # `--if-empty` on a database holding a real ward: no demo log-ins
        accounts = builder.account_specs()
        if as_json:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False))
            return
        self.stdout.write("")
        self.stdout.write("デモ用ログイン / Demo log-ins (password: AINET_DEMO_PASSWORD)")
        self.stdout.write(f"  password / パスワード: {settings.AINET_DEMO_PASSWORD}")
        for account in accounts:
            districts = ", ".join(account["districts"]) or "-"
            self.stdout.write(f"  {account['username']:<20} {account['role']:<22} {districts}")
        self.stdout.write(
            "デモの人物・記録はすべて架空です / Every person and record in the demo is synthetic."
        )

    def _build(self, *, quiet: bool, if_empty: bool) -> None:
        from ainet.core.models import Municipality

        if if_empty and Municipality.objects.exists():
            return
        if builder.demo_exists():
            if not quiet:
                self.stdout.write(
                    "デモ区は作成済みです / The demo ward already exists "
                    "(delete var/ainet.sqlite3 to start again)."
                )
            return
        total = len(STEPS) + len(HISTORY_STEPS) + len(CARE_STEPS) + len(CENTRE_STEPS) + 2
        with tqdm(total=total, desc="demo", disable=quiet, unit="step") as bar:

            def progress(step: str) -> None:
                bar.set_postfix_str(step)
                bar.update(1)

            with transaction.atomic():
                ward = builder.build(progress)
                build_history(ward, progress=progress)
                build_care(ward, progress=progress)
                build_volunteer_centre(ward)
                progress("volunteer centre")
                admin = get_user_model().objects.get(username="ward-admin")
                build_disaster_plans(ward, admin)
                progress("evacuation plans")
                build_safety_drills(ward, admin)
                progress("safety confirmation drills")
                # Events after today for the public calendar (not part of the history).
                build_upcoming_events(ward)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("デモ区を作成しました / Demo ward built."))
