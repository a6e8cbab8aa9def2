"""The production settings as a deployer gets them with only the required variables set: a year of HSTS, no admin
site, and no X-Forwarded-For believed. Loaded in a child process, as `manage.py check --deploy` would."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-like-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "land.example.cn",
    "SMS_PROVIDER_URL": "https://sms.example.cn/send",
    "SMS_PROVIDER_KEY": "key",
    "EMAIL_URL": "smtp://mail.example.cn:25",
}
READ = """
import django, json
django.setup()
from django.conf import settings
from django.urls import get_resolver
print(json.dumps({
    "hsts": settings.SECURE_HSTS_SECONDS,
    "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "admin": any(str(p.pattern) == "admin/" for p in get_resolver().url_patterns),
    "proxies": [settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT],
}))
"""


def production_settings(**overrides: str) -> dict:
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "SMS_"))}
    env = inherited | {"DATABASE_URL": os.environ.get("DATABASE_URL", "postgis://x@127.0.0.1/x")} | REQUIRED
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, "-c", READ], cwd=ROOT, env=env | overrides, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_keeps_browsers_on_https_for_a_year_and_serves_no_admin_site():
    settings = production_settings()

    assert settings["hsts"] == 31_536_000  # it was 3600: an hour
    assert settings["subdomains"] is True
    assert settings["admin"] is False
    assert settings["proxies"] == [[], 0]  # the socket peer is the caller until the deployer names the proxies


def test_a_deployer_turns_the_admin_site_on_explicitly():
    assert production_settings(DJANGO_ADMIN_ENABLED="True")["admin"] is True
