"""What happens to leads that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the new Lead; `by_employer`: filed by the employer itself on the public form.
lead_submitted = _signals.signal("lead-submitted")
# Sender: a Lead of no basin that an admin routed to a basin; `routed_by`: that admin.
lead_routed = _signals.signal("lead-routed")
# Sender: the accepted Lead; `need`: the need it became.
lead_accepted = _signals.signal("lead-accepted")
# Sender: the rejected Lead (its rejection_reason and decision_note are set).
lead_rejected = _signals.signal("lead-rejected")
# Sender: the Lead attached to a need the network already follows.
lead_merged = _signals.signal("lead-merged")
