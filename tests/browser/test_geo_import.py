"""GIS staff upload a file on the import page and watch it load in the real Chromium."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from geo.models import Parcel
from geo.tests.gisfiles import square, write_layer
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_upload_a_zipped_shapefile_and_see_progress_and_the_report(
    staff_page: Page, live_server, celery_worker, tmp_path
):
    write_layer(
        tmp_path / "zd.shp",
        [square(39_500_000 + i * 200, 3_320_000, 100) for i in range(5)],
        {"ZDDM": [f"Z{i}" for i in range(5)], "ZL": ["贵池区"] * 5},
        driver="ESRI Shapefile",
        crs="EPSG:4527",
        encoding="GBK",
    )
    archive = tmp_path / "zd.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("zd.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)

    staff_page.goto(live_server.url + "/geo/imports/")
    staff_page.get_by_label("文件数据类型").select_option("parcels")
    staff_page.get_by_label("文件", exact=True).set_input_files(str(archive))
    staff_page.get_by_role("button", name="上传并导入").click()

    expect(staff_page.locator("#import-state")).to_have_attribute("data-status", "succeeded", timeout=20_000)
    expect(staff_page.locator("#import-progress")).to_have_attribute("value", "5")
    row = staff_page.locator("#import-report tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(["zd.shp", "EPSG:4527", "5", "5", "0", "已导入"])
    expect(staff_page.locator("#import-notes li")).to_contain_text(["5 宗宗地不在任何已导入县（区）的范围内"])
    staff_page.screenshot(path=str(ARTIFACTS / "geo-import.png"), full_page=True)
    assert Parcel.objects.filter(address="贵池区").count() == 5


def test_the_import_page_is_for_staff_only(page: Page, live_server):
    page.goto(live_server.url + "/geo/imports/")

    expect(page).to_have_url(live_server.url + "/login/?next=/geo/imports/")
