"""web/static/web/format.js in the real Chromium gives what core.formatting gives, on the same table of cases."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = json.loads((Path(__file__).parents[2] / "core" / "tests" / "formatting_cases.json").read_text(encoding="utf-8"))
RENDER = "([cases, lang]) => cases.map((c) => window.LandFormat[c.fn](...c.args, { ...c.opts, lang }))"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_browser_formatter_agrees_with_the_servers_on_every_case(page: Page, live_server, lang):
    page.goto(live_server.url + "/login/")

    rendered = page.evaluate(RENDER, [CASES, "zh-hans" if lang == "zh" else "en"])

    assert [(case["fn"], case["why"], out) for case, out in zip(CASES, rendered, strict=True)] == [
        (case["fn"], case["why"], case[lang]) for case in CASES
    ]


def test_the_browser_formatter_follows_the_pages_language(page: Page, live_server):
    page.goto(live_server.url + "/login/")

    chinese = page.evaluate("window.LandFormat.money('2468.5')")
    english = page.evaluate("document.documentElement.lang = 'en'; window.LandFormat.money('2468.5')")

    assert (chinese, english) == ("2,468.5 万元", "CNY 24,685,000")
