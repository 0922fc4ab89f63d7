"""What happens to employers that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the kept Employer; `merged`: the record about to be merged into it; `reason`. Sent before
# the merged record's rows move, so that a domain with a one-per-employer rule can settle it first.
employers_merging = _signals.signal("employers-merging")
