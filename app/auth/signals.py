"""What happens to users that other domains react to. A lower layer announces; the domains above
it connect their receivers in create_app(), so auth never imports them."""

from blinker import Namespace

_signals = Namespace()

# Sent with the user as sender, inside the transaction that deactivates them.
user_deactivated = _signals.signal("user-deactivated")
