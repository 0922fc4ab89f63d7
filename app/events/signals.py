"""What happens to events that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the Event whose attendance, interviews and hires were just recorded.
event_results_recorded = _signals.signal("event-results-recorded")
