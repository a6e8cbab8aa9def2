"""Rough edges (issue 14, point 7) on the server side: detail pages of missing records answer 404 with the friendly
page, `make run` serves with DEBUG off, and a policy's breadcrumb names the document, not "文件名"."""

import os
import re
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import user_create
from geo.models import Region
from geo.tests.factories import region_create
from market.models import Demand, PolicyDocument, PreAnnouncement, SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def county() -> Region:
    chengdu = region_create(code="510100", name="成都市", parent=region_create(code="510000", name="四川省"))
    return region_create(code="510104", name="锦江区", parent=chengdu)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/supply/99999/", "该地源不存在。"),
        ("/demand/99999/", "该需求信息不存在。"),
        ("/pre-announcements/99999/", "该预公告不存在。"),
        ("/policies/99999/", "该政策法规文件不存在。"),
    ],
)
def test_a_missing_record_answers_404_with_the_friendly_page(client: Client, path: str, message: str):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert message in html
    assert 'href="/"' in html  # back to the home page


def test_a_draft_listing_is_404_for_others_and_shown_to_its_owner(client: Client, county):
    owner = user_create()
    draft = supply_create(owner=owner, region=county, status=SupplyListing.Status.DRAFT)

    assert client.get(f"/supply/{draft.pk}/").status_code == 404
    client.force_login(user_create())
    assert client.get(f"/supply/{draft.pk}/").status_code == 404
    client.force_login(owner)
    assert client.get(f"/supply/{draft.pk}/").status_code == 200


def test_a_draft_demand_and_pre_announcement_are_404_for_others_and_shown_to_their_owner(client: Client, county):
    owner = user_create()
    demand = Demand.objects.create(
        owner=owner, created_by=owner, region=county, title="求购草稿", kind=Demand.Kind.PURCHASE, area_min_m2=1000
    )
    notice = PreAnnouncement.objects.create(
        owner=owner, title="预告草稿", contract_number="5101", region=county, area_m2=Decimal("100"), use_years=40
    )
    paths = [f"/demand/{demand.pk}/", f"/pre-announcements/{notice.pk}/"]

    assert [client.get(path).status_code for path in paths] == [404, 404]
    client.force_login(user_create())
    assert [client.get(path).status_code for path in paths] == [404, 404]
    client.force_login(owner)
    assert [client.get(path).status_code for path in paths] == [200, 200]


def test_an_unpublished_policy_is_404_and_a_published_one_renders(client: Client):
    document = PolicyDocument.objects.create(title="土地管理法", category="law", body="…", created_by=user_create())

    assert client.get(f"/policies/{document.pk}/").status_code == 404
    PolicyDocument.objects.filter(pk=document.pk).update(published_at=timezone.now())
    assert client.get(f"/policies/{document.pk}/").status_code == 200


def test_a_policys_breadcrumb_does_not_read_file_name(client: Client):
    document = PolicyDocument.objects.create(
        title="土地管理法", category="law", body="…", created_by=user_create(), published_at=timezone.now()
    )

    html = client.get(f"/policies/{document.pk}/").content.decode()

    breadcrumb = re.search(r'<p class="breadcrumb">(.*?)</p>', html, re.S)
    assert breadcrumb
    assert "文件名" not in breadcrumb.group(1)
    assert '<span id="policy-breadcrumb">政策文件</span>' in breadcrumb.group(1)  # the script puts the title there


def test_make_run_serves_with_debug_off():
    """The uvicorn line of `make run` (dry run), started with its environment, loads settings with DEBUG off."""
    dry_run = subprocess.run(
        ["make", "-n", "run"],  # noqa: S607
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    serve = next(line for line in dry_run.stdout.splitlines() if "uvicorn" in line)
    prefix = serve.split(".venv/bin/uvicorn")[0]
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

    result = subprocess.run(  # noqa: S603 - the Makefile's own environment prefix, our own interpreter
        ["sh", "-c", f'{prefix} .venv/bin/python -c "{probe}"'],  # noqa: S607
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "False"


def test_without_debug_a_missing_page_is_the_friendly_404_not_the_url_list(client: Client, settings):
    settings.DEBUG = False

    response = client.get("/nonexistent/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在。" in html
    assert "URLconf" not in html
