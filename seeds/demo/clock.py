"""The demo's past: services stamp "now" on what they record, so the demo runs them on the day it tells."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

import time_machine

from app.timeutils import PARIS, utcnow

# Office hours: a change "on that day" is dated that morning, Paris time.
WORKING_HOUR = time(9, 0)


@contextmanager
def on_day(day: date) -> Iterator[None]:
    """Run the block as if it were ``day`` (never later than now: today's morning may not have come yet)."""
    moment = min(datetime.combine(day, WORKING_HOUR, tzinfo=PARIS), utcnow())
    with time_machine.travel(moment, tick=False):
        yield
