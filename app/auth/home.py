"""What each role finds on the home page: the one place where the home page differs by role."""

from dataclasses import dataclass

from app.auth.enums import Role


@dataclass(frozen=True)
class HomePage:
    template: str
    # The staff's figures: follow-ups due and the portfolio.
    shows_work: bool = True
    # The prospection plans give their targets to advisers.
    shows_plan_targets: bool = False


STAFF_HOME = HomePage("main/home.html")
HOME_PAGES = {
    Role.SPOTTER: HomePage("main/home_spotter.html", shows_work=False),
    Role.ADVISER: HomePage("main/home.html", shows_plan_targets=True),
}


def home_page(role: Role) -> HomePage:
    return HOME_PAGES.get(role, STAFF_HOME)
