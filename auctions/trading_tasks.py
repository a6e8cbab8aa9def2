"""Celery task of the trading engine: close the lots whose clock has run out (beat, every few seconds). It can be
late or die without harm: the phase is the clock's, the close only finalises it, once."""

import logging

from celery import shared_task

from auctions.services.trading import lot_close, lots_to_close

logger = logging.getLogger("auctions.trading")


@shared_task(name="auctions.trading.close_due_lots", ignore_result=True)
def close_due_lots() -> int:
    """Close every lot whose trade has ended; the number closed (lots still running are left alone)."""
    closed = 0
    for lot_id in lots_to_close():
        result = lot_close(lot_id=lot_id)
        if result is not None:
            closed += 1
            logger.info("lot %s closed: %s", lot_id, result.outcome)  # never the reserve or the price
    return closed
