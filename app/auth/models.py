import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.auth.enums import InvitationStatus, Role
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.referential.models import Basin, Departement, Operator, Region
from app.timeutils import UTCDateTime, utcnow

user_basins = sa.Table(
    "user_basins",
    db.Model.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("basin_id", sa.ForeignKey("basins.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    __audit_exclude__ = {
        "password_hash",
        "session_token",
        "last_login_at",
        "password_token_hash",
        "password_token_expires_at",
    }
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        # The accounts not activated yet, by name: the invitations' list and filters.
        sa.Index(
            "ix_users_not_activated",
            "full_name",
            "id",
            sqlite_where=sa.text("activated_at IS NULL"),
            postgresql_where=sa.text("activated_at IS NULL"),
        ),
        # A steering account reads one territory, a département or a région; no other role has one.
        sa.CheckConstraint(
            "(role = 'steering' AND (steering_departement_code IS NULL) <> (steering_region_code IS NULL))"
            " OR (role <> 'steering' AND steering_departement_code IS NULL AND steering_region_code IS NULL)",
            name="steering_territory",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"), index=True)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id", ondelete="RESTRICT"), index=True)
    # Spotters only: the partner organisation (CCI, OPCO…) they report leads for (app/leads).
    spotter_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("spotter_organisations.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The in-app morning digest always exists; the e-mail copy is the user's choice.
    wants_email_digest: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Rotated on logout, password change and deactivation: every cookie that carries
    # the old token stops working (Flask sessions are client-side).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The single-use link to choose a password (invitation, forgotten password: app/auth/password_links.py).
    password_token_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    password_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last invitation sent (a resend moves it) and who sent it; the instant the owner first
    # chose a password, which makes the account theirs (app/auth/services.py).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The work phone the introduction e-mail gives employers (app/aftercare/introductions.py), set by its owner.
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    # Steering accounts only: the territory whose basins they read (scope_basins).
    steering_departement_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("departements.code", ondelete="RESTRICT"), index=True
    )
    steering_region_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("regions.code", ondelete="RESTRICT"), index=True
    )

    operator: Mapped[Operator | None] = relationship()
    basins: Mapped[list[Basin]] = relationship(secondary=user_basins, order_by=Basin.name)
    invited_by: Mapped["User | None"] = relationship(remote_side=[id])
    # The header bell's count, when the user was read for a page with it (None otherwise): the
    # notifications add it to that statement (app.auth.sessions.load_with_user).
    unread_notifications: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def scope_basins(self) -> list[Basin]:
        """The basins the user works on, by name; a steering account's are its territory's."""
        if self.role is not Role.STEERING:
            return self.basins
        if self.steering_departement_code is not None:
            territory = Basin.departement_code == self.steering_departement_code
        else:
            territory = Basin.region_code == self.steering_region_code
        return list(db.session.scalars(sa.select(Basin).where(territory).order_by(Basin.name)))

    @property
    def steering_territory(self) -> str | None:
        """A steering account's territory, in French: « Département Loire-Atlantique (44) »."""
        if self.steering_departement_code is not None:
            return f"Département {db.session.get(Departement, self.steering_departement_code)}"
        if self.steering_region_code is not None:
            return f"Région {db.session.get(Region, self.steering_region_code)}"
        return None

    @property
    def basin_ids(self) -> set[int]:
        return {basin.id for basin in self.scope_basins}

    @property
    def sees_all_basins(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def invitation_status(self) -> InvitationStatus:
        if self.activated_at is not None:
            return InvitationStatus.ACTIVATED
        if not self.is_active:
            return InvitationStatus.CANCELLED
        if self.password_token_expires_at is not None and self.password_token_expires_at > utcnow():
            return InvitationStatus.PENDING
        return InvitationStatus.EXPIRED

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __str__(self) -> str:
        return self.full_name


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so that every worker counts the same."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_ip_address_attempted_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    ip_address: Mapped[str] = mapped_column(sa.String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the browser proved an earlier login to this account (app/auth/devices.py): such
    # a device is locked by its own failures only.
    device_id: Mapped[str | None] = mapped_column(sa.String(32))
