"""What happens to communes that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the tuple of the INSEE codes of the communes whose basin just changed (their rows already
# updated), inside the transaction that moved them. A receiver moves what is located there and
# returns {INSEE code: number of employers moved}, which the audit event of each move records.
communes_moved = _signals.signal("communes-moved")
