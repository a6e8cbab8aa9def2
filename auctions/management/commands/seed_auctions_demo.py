"""manage.py seed_auctions_demo: banks, Sichuan's trading centres, their staff, lots and announcements (run
seed_demo and seed_market_demo first)."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from auctions import demo


class Command(BaseCommand):
    help = (
        "Load trading demo data: banks, trading centres for Sichuan with their staff, a grantor and a supervisor, "
        "lots in every state with schedules around today (Asia/Shanghai) and announcements of every kind. Runs "
        "once; a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", ""),
            help="password of the demo accounts (default: $DEMO_PASSWORD, else the market demo's)",
        )

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        report = demo.auctions_demo_load(password=password)
        if report.skipped:
            self.stdout.write(f"auctions demo: {report.skipped}, nothing changed")
            return
        lots = ", ".join(f"{count} {status}" for status, count in report.lots.items())
        announcements = ", ".join(f"{count} {kind}" for kind, count in report.announcements.items())
        self.stdout.write(
            f"auctions demo: {report.banks} banks, {len(report.centres)} trading centres, lots: {lots}; "
            f"announcements: {announcements}"
        )
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        for phone, role in report.accounts.items():
            self.stdout.write(f"  {phone}  {role}")
        where = "the one given" if password else "the market demo's"
        self.stdout.write(f"  password of these accounts: {where}")
