"""How employers react to other domains' events (connected by create_app)."""

from app.employers.models import Employer, basin_copies, move_employers_to_their_communes_basin
from app.extensions import db
from app.referential.signals import communes_moved


def follow_their_communes(insee_codes: tuple[str, ...], **_) -> dict[str, int]:
    # An employer is in its commune's basin: when an admin moves the commune, it moves too.
    moved = move_employers_to_their_communes_basin(db.session.connection(), list(insee_codes))
    if moved:
        # The UPDATEs bypassed the ORM: a record already loaded reads its new basin and version.
        for loaded in list(db.session.identity_map.values()):
            if isinstance(loaded, (Employer, *basin_copies())):
                db.session.expire(loaded)
    return moved


def connect_receivers() -> None:
    communes_moved.connect(follow_their_communes)
