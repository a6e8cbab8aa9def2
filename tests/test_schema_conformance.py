"""The running API answers as its OpenAPI schema says, for an anonymous caller, a verified user and an administrator:
schemathesis fuzzes every operation (a few examples each, a fixed seed) and no answer is a server error or differs
from the schema in status code, content type or body."""

from typing import Any

import hypothesis
import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.tests.factories import user_create
from geo.tests.factories import parcel_create, sichuan_tree, square_in
from market.models import SupplyListing
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Positive examples only (what the schema allows), a few per operation, the same ones on every run.
CONFIG = {
    "seed": 20260101,
    "generation": {"mode": "positive"},
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": False},
        "stateful": {"enabled": False},
        "fuzzing": {"enabled": True},
    },
}
# Operations that end the caller's own session or token would turn the rest of the run into another caller's.
SKIPPED_PATHS = r"^/api/auth/(logout|token)/"


@pytest.fixture
def market_data() -> dict[str, Any]:
    """A few regions, parcels and published listings for the operations to find."""
    regions = sichuan_tree()
    owner = user_create()
    for code in ("510104", "510107"):
        parcel_create(code=f"P-{code}", geometry=square_in(code, 0.01), region=regions[code])  # in its real county
        supply_create(owner=owner, region=regions[code])
        supply_create(owner=owner, region=regions[code], status=SupplyListing.Status.CERTIFIED)
    return regions


@pytest.fixture(params=["anonymous", "verified user", "administrator"])
def caller_headers(request: pytest.FixtureRequest, market_data) -> dict[str, str]:
    if request.param == "anonymous":
        return {}
    admin = request.param == "administrator"
    user = user_create(role=User.Role.ADMIN, regions=["510000"]) if admin else user_create()
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def fuzz(operation: Any, headers: dict[str, str], failures: list[str]) -> int:
    """Run one operation's examples (hypothesis, derandomized); its failures appended, its example count returned."""
    examples = 0

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],  # no shrinking: the first failing example is reported as it is
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal examples
        examples += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, FailureGroup) as exc:  # a failed check: go on, report every operation's at the end
        failures.append(f"{operation.label}: {exc}")
    return examples


def test_every_operation_answers_as_the_schema_says(live_server, caller_headers):
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_url(live_server.url + "/api/schema/", config=config)
    results = schema.exclude(path_regex=SKIPPED_PATHS).get_all_operations()
    operations = [result.ok() for result in results]  # type: ignore[union-attr]
    failures: list[str] = []

    examples = sum(fuzz(operation, caller_headers, failures) for operation in operations)

    print(f"{len(operations)} operations, {examples} examples")  # shown with -s: the counts per caller
    assert not failures, "\n\n".join(failures)
    assert len(operations) >= 120  # 122 when written: the walk reached the whole API, not a fragment of it
    assert examples >= 5 * len(operations)
