"""Fixtures for browser tests: Debian's Chromium driven by Playwright, never a downloaded browser."""

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from accounts.models import User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def close_settled(context: BrowserContext) -> None:
    """Close a browser context once its pages have no request in flight: a request the live server is still
    answering would hold table locks while the test's database is flushed (a deadlock)."""
    for open_page in context.pages:
        with contextlib.suppress(PlaywrightError):  # a page that never settles is closed all the same
            open_page.wait_for_load_state("networkidle", timeout=5000)
    context.close()


@pytest.fixture(autouse=True)
def private_cache() -> Iterator[None]:
    """Each browser test gets the real Redis cache under its own key prefix: the rate limits, captchas and SMS
    counters of earlier tests (the same client address, 127.0.0.1) do not carry over."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"browser-{uuid.uuid4().hex}"
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    close_settled(context)


def sign_in(context: BrowserContext, user: User, base_url: str) -> None:
    """Sign the browser context in as `user`: the session cookie of a Django test client login."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


@pytest.fixture
def staff_page(browser: Browser, live_server) -> Iterator[Page]:
    """A page signed in as an administrator."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(context, User.objects.create_user(phone="13800000002", password="x", role=User.Role.ADMIN), live_server.url)
    page = context.new_page()
    yield page
    close_settled(context)
