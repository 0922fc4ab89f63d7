"""API clients (the operators' and partners' systems) and the responses kept for retried POSTs."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.api.enums import ApiScope
from app.auth.models import User
from app.enums import enum_column_type
from app.extensions import db
from app.mixins import TimestampMixin
from app.referential.models import Operator
from app.timeutils import UTCDateTime, utcnow


class ApiClient(TimestampMixin, db.Model):
    """A system that calls the API for an operator, within a set of basins.

    It acts through `principal`, a technical account (role, operator and basins of a person of that
    operator; deactivated and without a password, so nobody can log in with it): every query and
    service that takes a user (`visible_employers`, `log_interaction`…) serves the API unchanged.
    Its basins are that account's.
    """

    __tablename__ = "api_clients"
    __audited__ = True
    __audit_exclude__ = {"secret_hash", "last_used_at"}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public identifier sent with the secret (OAuth 2 client_id).
    client_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # None for a spotter organisation's client: its account is a spotter of that organisation.
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id", ondelete="RESTRICT"), index=True)
    principal_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    scope: Mapped[ApiScope] = mapped_column(enum_column_type(ApiScope, "api_scope"))
    secret_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    operator: Mapped[Operator | None] = relationship()
    principal: Mapped[User] = relationship(foreign_keys=[principal_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def can_write(self) -> bool:
        return self.scope is ApiScope.WRITE

    def __str__(self) -> str:
        return self.name


class ApiIdempotencyKey(db.Model):
    """The first response to a POST sent with an `Idempotency-Key`: a retry gets it back, nothing is done twice."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("client_id", "key", name="uq_api_idempotency_keys_client_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    # The method, path and body the key was first used with: the same key on another request is refused.
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    body: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
