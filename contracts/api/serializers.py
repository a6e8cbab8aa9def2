"""How the contracts API writes a contract for its parties and its authority: every field, its attachments, its
progress trail and revocations, the step it is at, whom it waits for and what the viewer may do."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from contracts import selectors
from contracts.models import Contract, ContractAttachment, ContractEvent, Revocation
from geo.services_listing import region_full_name

WAN: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}
AREA: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContractAttachment.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ContractAttachment"


class SignerOutput(serializers.Serializer):
    subject = serializers.CharField(source="certificate.subject", help_text="the signing certificate's subject")
    serial = serializers.CharField(source="certificate.serial", help_text="its serial number (hex)")

    class Meta:
        ref_name = "ContractEventSigner"


class EventOutput(serializers.Serializer):
    """A step of the contract's progress; a signed step (docs/signing.md) names its certificate to the parties and
    the authority, who alone see a contract."""

    action = serializers.CharField(help_text="created, sent, recalled, confirmed, returned, scan.uploaded, …, coded")
    by = serializers.SerializerMethodField(help_text="a (party A), b (party B) or authority")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    signed = serializers.SerializerMethodField(help_text="true: the step was signed with the actor's certificate")
    signer = SignerOutput(source="signature", allow_null=True, help_text="the signing certificate, if signed")

    class Meta:
        ref_name = "ContractEvent"

    def get_signed(self, event: ContractEvent) -> bool:
        return event.signature_id is not None

    @extend_schema_field(serializers.ChoiceField(choices=["a", "b", "authority"]))
    def get_by(self, event: ContractEvent) -> str:
        contract: Contract = self.context["contract"]
        if event.actor_id == contract.initiator_id:
            return "a"
        return "b" if event.actor_id == contract.counterparty_id else "authority"


class RevocationDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()

    class Meta:
        ref_name = "ContractRevocationDocument"


class RevocationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    status = serializers.ChoiceField(choices=Revocation.Status.choices)
    reason = serializers.CharField()
    decision_reason = serializers.CharField()
    documents = RevocationDocumentOutput(many=True, source="documents.all")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ContractRevocation"


class WaitingOutput(serializers.Serializer):
    party = serializers.ChoiceField(choices=["a", "b", "authority", "none"])
    action = serializers.CharField(help_text="send, submit, confirm, upload_signed, confirm_signed, approve, or empty")


# What the viewer may do: one flag per action of selectors.ACTIONS ("return" is a Python keyword, so not a class body).
MayOutput = type(
    "MayOutput", (serializers.Serializer,), {action: serializers.BooleanField() for action in selectors.ACTIONS}
)


class ContractOutput(serializers.Serializer):
    """A contract as its parties and its authority see it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Contract.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    origin = serializers.ChoiceField(choices=Contract.Origin.choices)
    status = serializers.ChoiceField(choices=Contract.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    step = serializers.SerializerMethodField(help_text="the seed's progress bar: 1 编制 … 5 赋码")
    waiting_for = serializers.SerializerMethodField()
    may = serializers.SerializerMethodField(help_text="what the viewer may do now")
    role = serializers.SerializerMethodField(help_text="the viewer: a, b or authority")
    listing = serializers.IntegerField(source="listing_id", allow_null=True)
    lot = serializers.IntegerField(source="lot_id", allow_null=True)
    a_name = serializers.CharField()
    a_id_number = serializers.CharField()
    a_phone = serializers.CharField()
    a_address = serializers.CharField()
    a_postcode = serializers.CharField()
    a_fax = serializers.CharField()
    a_bank = serializers.CharField()
    a_account = serializers.CharField()
    a_publish_price = serializers.BooleanField()
    b_name = serializers.CharField()
    b_id_number = serializers.CharField()
    b_phone = serializers.CharField()
    b_address = serializers.CharField()
    b_postcode = serializers.CharField()
    b_fax = serializers.CharField()
    b_bank = serializers.CharField()
    b_account = serializers.CharField()
    b_publish_price = serializers.BooleanField()
    address = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    region_name = serializers.SerializerMethodField(help_text="province, city and county, e.g. 四川省成都市锦江区")
    plane_boundary = serializers.CharField()
    upper_boundary = serializers.CharField()
    lower_boundary = serializers.CharField()
    height_difference_m = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    use_right_type = serializers.CharField()
    land_use = serializers.CharField()
    land_nature = serializers.CharField()
    certificate_type = serializers.CharField()
    certificate_number = serializers.CharField()
    unit_numbers = serializers.CharField(help_text="不动产单元号, separated by commas")
    area_m2 = serializers.DecimalField(**AREA, allow_null=True)
    location = serializers.SerializerMethodField(help_text="[longitude, latitude] in CGCS2000 degrees")
    price_wan = serializers.DecimalField(**WAN, allow_null=True)
    rent_wan_per_year = serializers.DecimalField(**WAN, allow_null=True)
    payment_schedule = serializers.CharField()
    term_years = serializers.IntegerField(allow_null=True)
    delivery_date = serializers.DateField(allow_null=True)
    institution = serializers.CharField()
    signed_copy = serializers.SerializerMethodField(help_text="the signed, sealed copy: name, type and SHA-256")
    number = serializers.CharField(allow_null=True)
    verify_token = serializers.CharField(help_text="the public verification page is /contracts/verify/<token>/")
    reason = serializers.CharField(help_text="the last return, dispute or rejection's reason")
    attachments = AttachmentOutput(many=True, source="attachments.all")
    events = serializers.SerializerMethodField()
    revocations = RevocationOutput(many=True, source="revocations.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    scan_confirmed_at = serializers.DateTimeField(allow_null=True)
    coded_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Contract"

    def _viewer(self) -> User:
        return self.context["user"]

    def get_step(self, contract: Contract) -> int:
        return selectors.step(contract)

    @extend_schema_field(WaitingOutput)
    def get_waiting_for(self, contract: Contract) -> dict[str, str]:
        waiting = selectors.waiting_for(contract)
        return {"party": waiting.party, "action": waiting.action}

    @extend_schema_field(MayOutput)
    def get_may(self, contract: Contract) -> dict[str, bool]:
        return selectors.may(contract, self._viewer())

    @extend_schema_field(serializers.ChoiceField(choices=["a", "b", "authority"]))
    def get_role(self, contract: Contract) -> str:
        viewer = self._viewer()
        if viewer.pk == contract.initiator_id:
            return "a"
        return "b" if viewer.pk == contract.counterparty_id else "authority"

    def get_region_name(self, contract: Contract) -> str | None:
        return region_full_name(contract.region) if contract.region_id else None

    @extend_schema_field(serializers.ListField(child=serializers.FloatField(), allow_null=True))
    def get_location(self, contract: Contract) -> list[float] | None:
        return [contract.location.x, contract.location.y] if contract.location else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_signed_copy(self, contract: Contract) -> dict[str, str] | None:
        if not contract.signed_scan:
            return None
        return {
            "name": contract.signed_scan_name,
            "content_type": contract.signed_scan_content_type,
            "sha256": contract.signed_scan_sha256,
        }

    @extend_schema_field(EventOutput(many=True))
    def get_events(self, contract: Contract) -> list[dict[str, Any]]:
        return list(EventOutput(contract.events.all(), many=True, context={"contract": contract}).data)
