from app.enums import LabelledEnum


class Role(LabelledEnum):
    ADVISER = ("adviser", "Conseiller entreprise")
    TASKFORCE_LEAD = ("taskforce_lead", "Pilote de task force")
    MANAGER = ("manager", "Manager")
    ADMIN = ("admin", "Administrateur")
    SPOTTER = ("spotter", "Repéreur d'offres")
    # Read-only, scoped to a département or a région (DREETS, Région, Département, préfecture).
    STEERING = ("steering", "Pilotage territorial")


class InvitationStatus(LabelledEnum):
    """Where an account stands between its invitation and its owner's first password (User.invitation_status)."""

    PENDING = ("pending", "Invitation envoyée")
    EXPIRED = ("expired", "Invitation expirée")
    CANCELLED = ("cancelled", "Invitation annulée")
    ACTIVATED = ("activated", "Compte activé")
