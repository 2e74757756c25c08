"""The demo season, written out as plain data: the shape of one site's season (its reference
data, the divisions that play each week and the ability rules per grade; one module per active
site, ``season_riverside.py`` and ``season_lakeshore.py``), the season's length, and the name
pools and texts the generated records draw from.

``season.py`` turns this into records with a fixed random seed. Places and names are invented;
coordinates are near the (real) towns named, e-mail addresses use ``example.org`` and phone
numbers the fictional 555-01xx range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

SAT, SUN = 5, 6
TUE, WED, THU, FRI = 1, 2, 3, 4


@dataclass(frozen=True)
class DemoVenue:
    name: str
    street: str
    city: str
    state: str
    postal: str
    latitude: float
    longitude: float
    zone: str | None
    subvenues: tuple[str, ...] = ()
    # Lit fields / gyms open on weekday evenings.
    evenings: bool = False


@dataclass(frozen=True)
class DemoAgeGroup:
    name: str
    game_length: int
    min_official_age: int | None
    # Fee per position abbreviation, for every pattern of the site that has the position.
    fees: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoPosition:
    name: str
    abbreviation: str
    group: str | None = None


@dataclass(frozen=True)
class DemoDivision:
    """Teams of one age group, gender and league that play each other once a week."""

    age_group: str
    gender: str
    league: str
    clubs: tuple[str, ...]
    days: tuple[int, ...]
    # Pattern names with weights.
    patterns: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class SiteSeason:
    site: str
    prefix: str  # user_defined_id prefix
    zones: tuple[tuple[str, str], ...]
    venues: tuple[DemoVenue, ...]
    leagues: tuple[str, ...]
    game_types: tuple[tuple[str, int], ...]  # name, weight
    genders: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    positions: tuple[DemoPosition, ...]
    patterns: tuple[tuple[str, tuple[str, ...]], ...]  # name, position names in order
    age_groups: tuple[DemoAgeGroup, ...]
    divisions: tuple[DemoDivision, ...]
    weekend_times: tuple[time, ...]
    evening_times: tuple[time, ...]
    # Generated officials: how many, their grades (weighted) and home towns.
    new_officials: int
    grades: tuple[tuple[str, int], ...]
    towns: tuple[tuple[str, str, str, str], ...]  # city, state, postal, area code
    # grade -> (age group, position abbreviation or None for every position)
    abilities: dict[str, tuple[tuple[str, str | None], ...]]
    # grades whose officials join each group
    group_grades: dict[str, tuple[str, ...]]


def every(*groups: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((g, None) for g in groups)


# The season runs from five weeks before the anchor week to the end of the seventh week after.
WEEKS_BEFORE = 5
WEEKS_AFTER = 7

FIRST_NAMES = (
    "Aaron", "Abigail", "Adrian", "Alana", "Alexis", "Andre", "Angela", "Ben", "Bianca",
    "Caleb", "Camila", "Carlos", "Carmen", "Chris", "Dominic", "Elena", "Eli", "Erin",
    "Felix", "Fiona", "Gabriel", "Hannah", "Hector", "Ian", "Imani", "Ivan", "Jada",
    "Jasmine", "Jonah", "Julia", "Kai", "Kara", "Lena", "Leo", "Lucia", "Maya", "Miles",
    "Nadia", "Noah", "Olivia", "Omar", "Paige", "Quinn", "Rachel", "Rafael", "Rosa",
    "Samuel", "Sara", "Simone", "Tariq", "Tessa", "Victor", "Vivian", "Wes", "Yara", "Zane",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Ahmed", "Baker", "Castillo", "Chen", "Coleman", "Delgado", "Dunn", "Fischer",
    "Foster", "Garcia", "Greene", "Gupta", "Hale", "Ibrahim", "Jensen", "Kaur", "Kowalski",
    "Larsen", "Lopez", "Mahoney", "Mendez", "Murphy", "Novak", "Ortiz", "Park", "Patel",
    "Quinlan", "Reyes", "Russo", "Schmidt", "Shah", "Sullivan", "Tanaka", "Torres",
    "Vargas", "Wagner", "Webb", "Yamada", "Zielinski",
)  # fmt: skip

STREETS = (
    "Maple Ave", "Oak St", "Elm St", "Park Pl", "Church St", "Washington St", "Highland Ave",
    "Prospect St", "Cedar Ln", "Lake St", "Hillside Rd", "Chestnut St",
)  # fmt: skip

DECLINE_REASONS = (
    "Family commitment that weekend",
    "Work travel",
    "Minor injury, resting this week",
    "Already committed to a tournament",
    "School exam the next morning",
)

PUBLIC_NOTES = (
    "Parking in the lot behind the clubhouse.",
    "Check in with the field marshal 30 minutes before kick-off.",
    "Bring both jersey colors; the home team wears dark.",
    "Enter through the north doors; officials' room next to the trainer.",
)

REPORT_TEXTS: dict[str, tuple[str, ...]] = {
    "riverside": (
        "Uneventful game, both teams played fair. Field in good condition.",
        "Good match. One caution for dissent in the second half.",
        "Game started 10 minutes late because the nets were not up.",
        "Sporting game; coaches were cooperative throughout.",
        "Heavy rain in the second half; play continued, field held up.",
    ),
    "lakeshore": (
        "Clean game, no technical fouls. Table crew did a good job.",
        "Shot clock at the north end failed in the third quarter; played on with a stopwatch.",
        "One technical foul on the home bench for leaving the coaching box.",
        "Tip-off delayed 15 minutes; the previous game ran long.",
    ),
}
MISCONDUCT_TEXT = (
    "Away coach dismissed in the 63rd minute for repeated dissent after two warnings; "
    "he left the field without further incident. Details sent to the league."
)
