"""The demo installation, written out as plain data: sites, people, their roles, demo clients.

Every value is fixed so that seeding an empty database always produces the same records in the
same order (and therefore the same ids). Names and places are invented; e-mail addresses use
the reserved ``example.org`` domain and phone numbers the fictional 555-01xx range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DemoSite:
    key: str
    name: str
    timezone: str
    sports: tuple[str, ...]
    subscription_status: str = "active"
    subscription_plan: str | None = None
    expires_on: date | None = None
    settings: dict[str, bool | int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoPerson:
    key: str
    first_name: str
    last_name: str
    city: str
    state: str
    postal_code: str
    phone: str

    @property
    def email(self) -> str:
        first = self.first_name.lower().replace(" ", "")
        last = self.last_name.lower().replace("'", "").replace(" ", "")
        return f"{first}.{last}@example.org"


@dataclass(frozen=True)
class DemoMembership:
    """One user profile: ``person`` in ``site`` with its role flags."""

    site: str
    person: str
    official: bool = True
    assignor: bool = False
    manager: bool = False
    observer: bool = False
    grade: str | None = None
    max_games_per_day: int | None = None


@dataclass(frozen=True)
class DemoClient:
    """A client-credentials application whose plain secret goes into ``demo.json``."""

    role: str
    person: str
    site: str
    scopes: str = "read write"

    @property
    def application_name(self) -> str:
        return f"Demo client ({self.role.replace('_', ' ')})"


SITES: tuple[DemoSite, ...] = (
    DemoSite(
        key="riverside",
        name="Riverside Youth Soccer Referees",
        timezone="America/New_York",
        sports=("soccer",),
        subscription_plan="Association",
        settings={
            "show_game_requests": True,
            "show_unassigned_games": True,
            "show_game_reports": True,
            "decline_cutoff_hours": 48,
        },
    ),
    DemoSite(
        key="lakeshore",
        name="Lakeshore Basketball Officials Association",
        timezone="America/Chicago",
        sports=("basketball",),
        subscription_plan="Club",
        settings={"allow_self_assign": True, "show_all_games": True},
    ),
    DemoSite(
        key="mesa",
        name="Mesa Valley Lacrosse Officials",
        timezone="America/Denver",
        sports=("lacrosse",),
        subscription_status="expired",
        subscription_plan="Club",
        expires_on=date(2025, 6, 30),
    ),
)

OPERATOR = DemoPerson("operator", "Jordan", "Ellis", "Arlington", "VA", "22201", "(703) 555-0100")

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("dana", "Dana", "Whitfield", "Hartford", "CT", "06103", "(860) 555-0101"),
    DemoPerson("marcus", "Marcus", "Bell", "New Haven", "CT", "06510", "(203) 555-0102"),
    DemoPerson("priya", "Priya", "Natarajan", "Stamford", "CT", "06901", "(203) 555-0103"),
    DemoPerson("helen", "Helen", "Okafor", "Waterbury", "CT", "06702", "(203) 555-0104"),
    DemoPerson("jamal", "Jamal", "Carter", "Bridgeport", "CT", "06604", "(203) 555-0105"),
    DemoPerson("sofia", "Sofia", "Alvarez", "Norwalk", "CT", "06850", "(203) 555-0106"),
    DemoPerson("liam", "Liam", "O'Connor", "Danbury", "CT", "06810", "(203) 555-0107"),
    DemoPerson("grace", "Grace", "Kim", "Meriden", "CT", "06450", "(203) 555-0108"),
    DemoPerson("mateo", "Mateo", "Rossi", "Bristol", "CT", "06010", "(860) 555-0109"),
    DemoPerson("aisha", "Aisha", "Rahman", "Middletown", "CT", "06457", "(860) 555-0110"),
    DemoPerson("ethan", "Ethan", "Brooks", "Milford", "CT", "06460", "(203) 555-0111"),
    DemoPerson("chloe", "Chloe", "Nguyen", "Glastonbury", "CT", "06033", "(860) 555-0112"),
    DemoPerson("tomas", "Tomas", "Herrera", "Evanston", "IL", "60201", "(847) 555-0113"),
    DemoPerson("kevin", "Kevin", "Walsh", "Oak Park", "IL", "60302", "(708) 555-0114"),
    DemoPerson("natalie", "Natalie", "Brennan", "Skokie", "IL", "60076", "(847) 555-0115"),
    DemoPerson("darnell", "Darnell", "Hayes", "Chicago", "IL", "60614", "(312) 555-0116"),
    DemoPerson("renee", "Renee", "Dubois", "Boulder", "CO", "80302", "(303) 555-0117"),
    DemoPerson("wyatt", "Wyatt", "Sandoval", "Longmont", "CO", "80501", "(303) 555-0118"),
    DemoPerson("isabella", "Isabella", "Moreno", "Golden", "CO", "80401", "(303) 555-0119"),
)

MEMBERSHIPS: tuple[DemoMembership, ...] = (
    DemoMembership("riverside", "dana", official=False, assignor=True),
    DemoMembership("riverside", "marcus", official=False, manager=True),
    DemoMembership("riverside", "priya", grade="Grade 7", max_games_per_day=3),
    DemoMembership("riverside", "helen", official=False, observer=True),
    DemoMembership("riverside", "jamal", grade="Grade 6", max_games_per_day=4),
    DemoMembership("riverside", "sofia", grade="Grade 7"),
    DemoMembership("riverside", "liam", grade="Grade 8", max_games_per_day=2),
    DemoMembership("riverside", "grace", grade="Grade 8"),
    DemoMembership("riverside", "mateo", grade="Grade 6"),
    DemoMembership("riverside", "aisha", grade="Grade 7", max_games_per_day=3),
    DemoMembership("riverside", "ethan", grade="Grade 8"),
    DemoMembership("riverside", "chloe", grade="Grade 9"),
    DemoMembership("lakeshore", "tomas", official=False, assignor=True),
    DemoMembership("lakeshore", "priya", grade="Varsity"),
    DemoMembership("lakeshore", "kevin", grade="Varsity", max_games_per_day=2),
    DemoMembership("lakeshore", "natalie", grade="JV"),
    DemoMembership("lakeshore", "darnell", grade="Varsity"),
    DemoMembership("mesa", "renee", official=False, assignor=True),
    DemoMembership("mesa", "wyatt", grade="Level 2"),
    DemoMembership("mesa", "isabella", grade="Level 1"),
)

CLIENTS: tuple[DemoClient, ...] = (
    DemoClient("assignor", "dana", "riverside"),
    DemoClient("manager", "marcus", "riverside"),
    DemoClient("official", "priya", "riverside"),
    DemoClient("observer", "helen", "riverside"),
    DemoClient("other_site_assignor", "tomas", "lakeshore"),
    DemoClient("lapsed_site_assignor", "renee", "mesa"),
)
