"""manage.py seed_market_demo: demo users of every role and market data on the demo parcels (run seed_demo first)."""

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from market import demo


class Command(BaseCommand):
    help = (
        "Load demo users (every role) and market data: listings in every state, quotes, viewings, demand, grants, "
        "a pre-announcement, policies. Runs once; a second run changes nothing but moves demo listings that are no "
        "longer in their county (after seed_demo moved the parcels) onto their parcel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", ""),
            help="password of every demo account (default: $DEMO_PASSWORD, else a random one printed once)",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, password: str, seed: int, **options: Any) -> None:
        generated = not password
        password = password or secrets.token_urlsafe(12)
        report = demo.market_demo_load(password=password, seed=seed)
        if report.skipped:
            if report.moved:
                self.stdout.write(f"market demo: already loaded; {report.moved} listings moved onto their parcels")
            else:
                self.stdout.write("market demo: already loaded, nothing changed")
            return
        self.stdout.write(
            f"market demo: {report.users} users, {report.supply} supply listings, {report.demand} demands, "
            f"{report.quotes} quotes, {report.appointments} viewings"
        )
        accounts = {
            "administrator": demo.ADMIN,
            "reviewer (四川省)": demo.REVIEWER,
            "trading-centre staff (四川省)": demo.CENTRE_STAFF,
            "GIS staff (四川省)": demo.GIS_STAFF,
            "supervisor (四川省)": demo.SUPERVISOR,
            "grantor staff (四川省)": demo.GRANTOR,
            "owner": demo.OWNER,
            "enterprise": demo.ENTERPRISE,
            "enterprise sub-account": demo.SUB_ACCOUNT,
            "seeker": demo.SEEKER,
            "unverified user": demo.UNVERIFIED,
        }
        for role, phone in accounts.items():
            self.stdout.write(f"  {phone}  {role}")
        if generated:
            self.stdout.write(self.style.WARNING(f"  password of every demo account (shown once): {password}"))
