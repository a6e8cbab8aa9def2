"""Celery tasks of the published roots (auctions/services/roots.py): a root after each result's commit and one a day
(beat). Only the worker is given the signing key; a lost task costs nothing but a later root."""

import logging

from celery import shared_task

from auctions.services.roots import root_sign
from core.errors import ServiceUnavailable

logger = logging.getLogger("auctions.roots")


@shared_task(name="auctions.roots.sign", ignore_result=True)
def sign_root() -> int | None:
    """Sign a root over every chain's head; its id, or None when this process has no signing key (logged)."""
    try:
        root = root_sign()
    except ServiceUnavailable as error:
        logger.error("no root signed: %s (ROOTS_SIGNING_KEY_FILE, given to the worker only)", error.code)
        return None
    logger.info("root %s signed: %s chains, %s", root.pk, root.tree_size, root.root)
    return int(root.pk)


@shared_task(name="auctions.roots.sign_daily", ignore_result=True)
def sign_daily_root() -> int | None:
    """The daily root (beat): published even on a day without a close, so every chain's head is covered."""
    return sign_root()
