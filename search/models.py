"""The search outbox: one row per committed write of a listing that the index has not taken yet."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndexChange(models.Model):
    """A supply listing, demand or notice whose document must be (re)indexed, or removed when it is no longer public.

    Written in the same transaction as the change (search/signals.py), so a committed write is never missed; the
    indexing task deletes the row only after Elasticsearch acknowledged the document. Several rows may name the same
    object: each is a reminder to index its current state, never a copy of it.
    """

    class Kind(models.TextChoices):
        SUPPLY = "supply", _("supply listing")
        DEMAND = "demand", _("demand")
        NOTICE = "notice", _("notice")  # an announcement of a lot (交易公示), or a lot's result (成交公示)
        DIRECT = "direct", _("direct transaction")  # a coded contract concluded without a trading centre (直接交易)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"))
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")
        indexes = [models.Index(fields=["kind", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
