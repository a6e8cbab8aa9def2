"""Land-use selects (GB/T 21010-2017, two levels) in Chromium: every option on every page that has one reads its code
once ("0501 零售商业用地", never "0501 0501 零售商业用地"), even when the name it is given already carries the code."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from accounts.tests.factories import user_create
from geo.reference import LAND_USE_MAJOR, land_use_choices
from tests.browser.conftest import close_settled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Every page with a land-use select (web/templates/web/market/_land_use_select.html), the home page's search box too.
PAGES = ("/", "/supply/", "/supply/new/", "/demand/", "/demand/new/", "/pre-announcements/", "/search/", "/map/")
FILLED = "() => document.querySelector('.land-use-select select[data-level=major] option[value=\"05\"]')"
# Each select's options: the first-level ones, then, for each first-level class chosen, the second-level ones.
ALL_OPTIONS = """() => Array.from(document.querySelectorAll(".land-use-select")).flatMap((root) => {
  const major = root.querySelector("select[data-level=major]"), minor = root.querySelector("select[data-level=minor]");
  const read = (select) => Array.from(select.options).filter((o) => o.value).map((o) => [o.value, o.textContent]);
  const out = read(major);
  for (const code of out.map(([value]) => value)) {
    major.value = code;
    major.dispatchEvent(new Event("change"));
    out.push(...read(minor));
  }
  return out;
})"""


@pytest.fixture
def signed_in_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    sign_in(context, user_create(real_name="王五"), live_server.url)
    page = context.new_page()
    yield page
    close_settled(context)


def test_every_land_use_option_on_every_page_carries_its_code_once(signed_in_page: Page, live_server):
    page = signed_in_page
    names = {**LAND_USE_MAJOR, **dict(land_use_choices())}
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_function(FILLED)

        options = page.evaluate(ALL_OPTIONS)

        assert len({code for code, _label in options}) == 12 + 73, path
        for code, label in options:
            assert label == f"{code} {names[code]}", (path, label)
            assert len(re.findall(rf"(?<!\d){code}(?!\d)", label)) == 1, (path, label)


def test_a_name_that_already_carries_its_code_is_labelled_with_the_code_once(signed_in_page: Page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/supply/new/")

    labels = page.evaluate("""() => {
      const root = document.querySelector(".land-use-select").cloneNode(true);
      root.querySelectorAll("option[value]:not([value=''])").forEach((o) => o.remove());
      const select = new window.LandSelectors.LandUseSelect(root, [
        { code: "05", name: "05 商服用地", parent: null },
        { code: "0501", name: "0501 零售商业用地", parent: "05" },
      ]);
      select.set("0501");
      return Array.from(root.querySelectorAll("option[value]")).filter((o) => o.value).map((o) => o.textContent);
    }""")

    assert labels == ["05 商服用地", "0501 零售商业用地"]
