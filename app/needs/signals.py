"""What happens to recruitment needs that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the RecruitmentNeed just closed (filled, not filled or cancelled; closed_on and positions_filled set).
need_closed = _signals.signal("need-closed")
# Sender: the new RecruitmentNeed (not flushed yet: a receiver that needs its id flushes).
need_created = _signals.signal("need-created")
# Sender: the RecruitmentNeed; `from_status`, `to_status`: NeedStatus (a closing one when it was closed).
need_status_changed = _signals.signal("need-status-changed")
