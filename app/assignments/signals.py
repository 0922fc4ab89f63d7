"""What happens to privileged contacts that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the new Assignment.
privileged_contact_assigned = _signals.signal("privileged-contact-assigned")
# Sender: the user who left; `released_per_basin`: {basin id: number of employers to reassign}.
portfolio_released = _signals.signal("portfolio-released")
# Sender: the new HandoverRequest.
handover_requested = _signals.signal("handover-requested")
# Sender: the decided HandoverRequest.
handover_decided = _signals.signal("handover-decided")
