"""What happens to recruitment needs that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the RecruitmentNeed just closed (filled, not filled or cancelled; closed_on and positions_filled set).
need_closed = _signals.signal("need-closed")
