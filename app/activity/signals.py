"""What happens in the adviser's activity that other domains react to (see app/auth/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sender: the new Interaction (its author and employer are set).
interaction_logged = _signals.signal("interaction-logged")
