"""How task forces react to other domains' events (connected by create_app)."""

from app.assignments.services import active_assignment_of, end_assignment, release_portfolio
from app.auth.models import User
from app.auth.signals import user_deactivated
from app.employers.models import Employer
from app.employers.signals import employers_merging


def release_leavers_employers(user: User, **_) -> None:
    # No employer left orphaned: the leaver's employers go back to the lead's queue.
    release_portfolio(user, f"Compte de {user.full_name} désactivé")


def keep_one_privileged_contact(kept: Employer, *, merged: Employer, reason: str, **_) -> None:
    # One door per employer: when both records have one, the kept record's privileged contact stays.
    merged_active = active_assignment_of(merged)
    if merged_active is not None and active_assignment_of(kept) is not None:
        end_assignment(merged_active, f"Fusion avec {kept.display_name} : {reason}")


def connect_receivers() -> None:
    user_deactivated.connect(release_leavers_employers)
    employers_merging.connect(keep_one_privileged_contact)
