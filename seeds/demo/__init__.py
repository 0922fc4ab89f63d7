"""Demo data for the pilot basins: employers, contacts, activity and one account per role.

Deterministic (fixed random seed) so that screenshots and tests can rely on it. Dates are
relative to today, so the demo always looks alive. Everything goes through the services, run
on the day it happened (seeds/demo/clock.py), so that the demo keeps the rules the application
keeps: a need's dated stage history, the basin copies, notifications and the audit trail.
"""

import random

import sqlalchemy as sa

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.referential.models import Basin, Operator
from seeds.demo.accounts import ADMIN_EMAIL, build_demo_accounts
from seeds.demo.activity import build_demo_activity
from seeds.demo.assignments import build_demo_privileged_contacts, build_demo_task_forces
from seeds.demo.employers import build_demo_employers, build_demo_look_alikes
from seeds.demo.events import build_demo_events
from seeds.demo.leads import build_demo_leads
from seeds.demo.needs import build_demo_needs
from seeds.demo.notifications import build_demo_reminders
from seeds.demo.plans import build_demo_plans
from seeds.demo.shortage import build_demo_shortage_lists
from seeds.demo.steering import build_demo_steering


def build_demo(seed: int = 2026) -> dict[str, int]:
    """Create the demo data once; a second call changes nothing."""
    if db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return {}
    rng = random.Random(seed)
    basins = list(
        db.session.scalars(sa.select(Basin).options(sa.orm.selectinload(Basin.communes)).order_by(Basin.code))
    )
    operators = list(db.session.scalars(sa.select(Operator).options(sa.orm.selectinload(Operator.basins))))
    if not basins or not operators:
        raise RuntimeError("Chargez d'abord les données de référence : flask seed reference")
    users = build_demo_accounts(basins, operators)
    db.session.flush()
    admin = users[0]
    employers = build_demo_employers(rng, admin, basins)
    counts = {
        "comptes": len(users),
        "entreprises": sum(len(basin_employers) for basin_employers in employers.by_basin.values()),
        "interlocuteurs": employers.contacts,
        "échanges": 0,
        "relances": 0,
        "interlocuteurs privilégiés": 0,
        "besoins": 0,
    }
    for basin in basins:
        basin_employers = employers.by_basin[basin.id]
        advisers = [user for user in users if user.role is Role.ADVISER and basin in user.basins]
        lead = next((user for user in users if user.role is Role.TASKFORCE_LEAD and basin in user.basins), None)
        privileged = build_demo_privileged_contacts(rng, basin_employers, advisers, lead)
        activity = build_demo_activity(rng, basin_employers, advisers, privileged)
        counts["interlocuteurs privilégiés"] += len(privileged)
        counts["échanges"] += activity.interactions
        counts["relances"] += activity.follow_ups
        counts["besoins"] += build_demo_needs(rng, basin_employers, advisers, privileged)
    counts["événements"] = build_demo_events(rng)
    counts.update(build_demo_steering(rng, basins, users))
    counts["métiers en tension"] = build_demo_shortage_lists(basins)
    counts["plans de prospection"] = build_demo_plans()
    counts["membres de task force"] = build_demo_task_forces(rng, basins)
    counts["signalements"] = build_demo_leads(rng)
    counts["rapports mensuels"] = build_demo_reminders()
    counts["entreprises étiquetées"] = employers.tagged
    counts["doublons à fusionner"] = build_demo_look_alikes(rng, admin)
    return counts
