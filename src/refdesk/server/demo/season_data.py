"""The demo season, written out as plain data: reference data per active site, the divisions
that play each week, name pools for the generated officials and the ability rules per grade.

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


RIVERSIDE_CLUBS = (
    "Hartford Hawks",
    "New Haven Harbor",
    "Stamford Strikers",
    "Glastonbury Green",
    "Middletown Mariners",
    "Danbury Dynamo",
)
RIVERSIDE_CLUBS_2 = (
    "Bristol Blaze",
    "Meriden Meteors",
    "Milford Mustangs",
    "Norwalk Navigators",
    "Waterbury Wolves",
    "Bridgeport Breakers",
)
LAKESHORE_SCHOOLS = (
    "Evanston Township",
    "Oak Park-River Forest",
    "Niles West",
    "New Trier",
    "Lincoln Park",
    "Loyola Academy",
)

_ALL_R = ("Referee", "Assistant Referee", "Fourth Official")
_U = ("U10", "U12", "U14", "U16", "U19")


def _every(*groups: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((g, None) for g in groups)


RIVERSIDE = SiteSeason(
    site="riverside",
    prefix="RYS",
    zones=(
        ("North", "Hartford County"),
        ("Central", "New Haven County"),
        ("Shoreline", "Fairfield County"),
    ),
    venues=(
        DemoVenue(
            "Riverside Park Soccer Complex",
            "20 Riverside Dr",
            "Hartford",
            "CT",
            "06103",
            41.7712,
            -72.6665,
            "North",
            ("Field 1", "Field 2", "Field 3"),
            evenings=True,
        ),
        DemoVenue(
            "Glastonbury Town Fields",
            "2143 Main St",
            "Glastonbury",
            "CT",
            "06033",
            41.7123,
            -72.6081,
            "North",
            ("North Field", "South Field"),
        ),
        DemoVenue(
            "Bristol Memorial Fields",
            "75 Memorial Blvd",
            "Bristol",
            "CT",
            "06010",
            41.6718,
            -72.9493,
            "North",
            ("Field A", "Field B"),
        ),
        DemoVenue(
            "Middletown Sports Park",
            "410 Saybrook Rd",
            "Middletown",
            "CT",
            "06457",
            41.5432,
            -72.6431,
            "Central",
            ("Turf 1", "Turf 2"),
            evenings=True,
        ),
        DemoVenue(
            "Meriden Hubbard Park",
            "999 W Main St",
            "Meriden",
            "CT",
            "06451",
            41.5437,
            -72.8327,
            "Central",
            ("Upper Field", "Lower Field"),
        ),
        DemoVenue(
            "Edgewood Park Field",
            "720 Edgewood Ave",
            "New Haven",
            "CT",
            "06515",
            41.3152,
            -72.9530,
            "Central",
        ),
        DemoVenue(
            "Cove Island Fields",
            "1281 Cove Rd",
            "Stamford",
            "CT",
            "06902",
            41.0490,
            -73.5090,
            "Shoreline",
            ("Field 1", "Field 2"),
            evenings=True,
        ),
        DemoVenue(
            "Calf Pasture Beach Fields",
            "Calf Pasture Beach Rd",
            "Norwalk",
            "CT",
            "06855",
            41.0853,
            -73.3915,
            "Shoreline",
        ),
        DemoVenue(
            "Danbury Rogers Park",
            "21 Memorial Dr",
            "Danbury",
            "CT",
            "06810",
            41.3840,
            -73.4440,
            None,
            ("Field 1", "Field 2"),
        ),
    ),
    leagues=("Riverside Recreational League", "Connecticut Premier Youth League"),
    game_types=(("Regular Season", 12), ("Friendly", 2), ("Cup", 1)),
    genders=("Boys", "Girls", "Coed"),
    groups=(
        ("Fourth Official Panel", "Officials cleared to work as fourth official"),
        ("Mentors", "Experienced referees who mentor new officials"),
    ),
    positions=(
        DemoPosition("Referee", "R"),
        DemoPosition("Assistant Referee", "AR"),
        DemoPosition("Fourth Official", "4th", group="Fourth Official Panel"),
    ),
    patterns=(
        ("Referee Only", ("Referee",)),
        ("Diagonal System", ("Referee", "Assistant Referee", "Assistant Referee")),
        (
            "Full Crew",
            ("Referee", "Assistant Referee", "Assistant Referee", "Fourth Official"),
        ),
    ),
    age_groups=(
        DemoAgeGroup("U10", 50, None, (("R", "30.00"), ("AR", "20.00"), ("4th", "15.00"))),
        DemoAgeGroup("U12", 60, None, (("R", "40.00"), ("AR", "25.00"), ("4th", "18.00"))),
        DemoAgeGroup("U14", 70, 14, (("R", "50.00"), ("AR", "32.00"), ("4th", "22.00"))),
        DemoAgeGroup("U16", 80, 16, (("R", "60.00"), ("AR", "38.00"), ("4th", "25.00"))),
        DemoAgeGroup("U19", 90, 18, (("R", "72.00"), ("AR", "45.00"), ("4th", "30.00"))),
    ),
    divisions=(
        DemoDivision(
            "U10",
            "Coed",
            "Riverside Recreational League",
            RIVERSIDE_CLUBS,
            (SAT,),
            (("Referee Only", 1),),
        ),
        DemoDivision(
            "U12",
            "Boys",
            "Riverside Recreational League",
            RIVERSIDE_CLUBS,
            (SAT,),
            (("Referee Only", 1), ("Diagonal System", 3)),
        ),
        DemoDivision(
            "U12",
            "Girls",
            "Riverside Recreational League",
            RIVERSIDE_CLUBS_2,
            (SAT,),
            (("Referee Only", 1), ("Diagonal System", 3)),
        ),
        DemoDivision(
            "U14",
            "Boys",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS,
            (SAT, SUN),
            (("Diagonal System", 1),),
        ),
        DemoDivision(
            "U14",
            "Girls",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS_2,
            (SAT, SUN),
            (("Diagonal System", 1),),
        ),
        DemoDivision(
            "U16",
            "Boys",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS,
            (SUN, WED),
            (("Diagonal System", 1),),
        ),
        DemoDivision(
            "U16",
            "Girls",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS_2,
            (SUN, WED),
            (("Diagonal System", 1),),
        ),
        DemoDivision(
            "U19",
            "Boys",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS,
            (SUN, TUE, THU),
            (("Diagonal System", 4), ("Full Crew", 1)),
        ),
        DemoDivision(
            "U19",
            "Girls",
            "Connecticut Premier Youth League",
            RIVERSIDE_CLUBS_2,
            (SUN, THU),
            (("Diagonal System", 4), ("Full Crew", 1)),
        ),
    ),
    weekend_times=(time(8, 0), time(9, 30), time(11, 0), time(12, 30), time(14, 0), time(15, 30)),
    evening_times=(time(18, 0), time(19, 45)),
    new_officials=38,
    grades=(("Grade 9", 3), ("Grade 8", 4), ("Grade 7", 3), ("Grade 6", 1)),
    towns=(
        ("Hartford", "CT", "06105", "860"),
        ("West Hartford", "CT", "06107", "860"),
        ("Glastonbury", "CT", "06033", "860"),
        ("Bristol", "CT", "06010", "860"),
        ("Middletown", "CT", "06457", "860"),
        ("Meriden", "CT", "06450", "203"),
        ("New Haven", "CT", "06511", "203"),
        ("Hamden", "CT", "06517", "203"),
        ("Milford", "CT", "06460", "203"),
        ("Stamford", "CT", "06902", "203"),
        ("Norwalk", "CT", "06851", "203"),
        ("Danbury", "CT", "06811", "475"),
    ),
    abilities={
        "Grade 9": (*_every("U10", "U12"), ("U14", "AR")),
        "Grade 8": (*_every("U10", "U12", "U14"), ("U16", "AR")),
        "Grade 7": (*_every("U10", "U12", "U14", "U16"), ("U19", "AR")),
        "Grade 6": _every(*_U),
    },
    group_grades={"Fourth Official Panel": ("Grade 6", "Grade 7"), "Mentors": ("Grade 6",)},
)

LAKESHORE = SiteSeason(
    site="lakeshore",
    prefix="LBO",
    zones=(("North Shore", "Cook County north"), ("City", "Chicago")),
    venues=(
        DemoVenue(
            "Evanston Township High School Fieldhouse",
            "1600 Dodge Ave",
            "Evanston",
            "IL",
            "60201",
            42.0476,
            -87.6989,
            "North Shore",
            ("Main Gym", "Auxiliary Gym"),
            evenings=True,
        ),
        DemoVenue(
            "Oak Park-River Forest Gym",
            "201 N Scoville Ave",
            "Oak Park",
            "IL",
            "60302",
            41.8880,
            -87.7890,
            "City",
            evenings=True,
        ),
        DemoVenue(
            "Niles West Arena",
            "5701 Oakton St",
            "Skokie",
            "IL",
            "60077",
            42.0263,
            -87.7668,
            "North Shore",
            evenings=True,
        ),
        DemoVenue(
            "New Trier Gymnasium",
            "385 Winnetka Ave",
            "Winnetka",
            "IL",
            "60093",
            42.1057,
            -87.7359,
            "North Shore",
            ("East Gym", "West Gym"),
            evenings=True,
        ),
        DemoVenue(
            "Lincoln Park Field House",
            "2001 N Orchard St",
            "Chicago",
            "IL",
            "60614",
            41.9183,
            -87.6460,
            "City",
            evenings=True,
        ),
        DemoVenue(
            "Loyola Academy Gym",
            "1100 Laramie Ave",
            "Wilmette",
            "IL",
            "60091",
            42.0773,
            -87.7460,
            None,
            evenings=True,
        ),
    ),
    leagues=("Central Suburban League", "Chicago Catholic League"),
    game_types=(("Conference", 8), ("Non-Conference", 3), ("Tournament", 1)),
    genders=("Boys", "Girls", "Coed"),
    groups=(("Table Crew", "Scorekeepers and clock operators"),),
    positions=(
        DemoPosition("Referee", "R"),
        DemoPosition("Umpire", "U"),
        DemoPosition("Scorekeeper", "SK", group="Table Crew"),
    ),
    patterns=(
        ("Two-Person Crew", ("Referee", "Umpire")),
        ("Three-Person Crew", ("Referee", "Umpire", "Umpire")),
        ("Three-Person Crew with Table", ("Referee", "Umpire", "Umpire", "Scorekeeper")),
    ),
    age_groups=(
        DemoAgeGroup("Middle School", 60, None, (("R", "45.00"), ("U", "40.00"), ("SK", "20.00"))),
        DemoAgeGroup("Freshman", 75, None, (("R", "55.00"), ("U", "50.00"), ("SK", "22.00"))),
        DemoAgeGroup("JV", 90, None, (("R", "62.00"), ("U", "57.00"), ("SK", "25.00"))),
        DemoAgeGroup("Varsity", 105, 18, (("R", "85.00"), ("U", "80.00"), ("SK", "30.00"))),
    ),
    divisions=(
        DemoDivision(
            "Varsity",
            "Boys",
            "Central Suburban League",
            LAKESHORE_SCHOOLS,
            (TUE, FRI, SAT),
            (("Three-Person Crew", 3), ("Three-Person Crew with Table", 1)),
        ),
        DemoDivision(
            "Varsity",
            "Girls",
            "Central Suburban League",
            LAKESHORE_SCHOOLS,
            (THU, SAT),
            (("Two-Person Crew", 1), ("Three-Person Crew", 2)),
        ),
        DemoDivision(
            "JV",
            "Boys",
            "Central Suburban League",
            LAKESHORE_SCHOOLS,
            (TUE, FRI, SAT),
            (("Two-Person Crew", 1),),
        ),
        DemoDivision(
            "JV",
            "Girls",
            "Chicago Catholic League",
            LAKESHORE_SCHOOLS,
            (THU, SAT),
            (("Two-Person Crew", 1),),
        ),
        DemoDivision(
            "Freshman",
            "Boys",
            "Chicago Catholic League",
            LAKESHORE_SCHOOLS,
            (WED, SAT),
            (("Two-Person Crew", 1),),
        ),
        DemoDivision(
            "Middle School",
            "Coed",
            "Chicago Catholic League",
            LAKESHORE_SCHOOLS,
            (WED, SAT),
            (("Two-Person Crew", 1),),
        ),
    ),
    weekend_times=(time(9, 0), time(11, 0), time(13, 0), time(15, 0)),
    evening_times=(time(16, 0), time(17, 30), time(19, 0)),
    new_officials=16,
    grades=(("JV", 2), ("Varsity", 3), ("Small College", 1)),
    towns=(
        ("Evanston", "IL", "60202", "847"),
        ("Skokie", "IL", "60076", "847"),
        ("Wilmette", "IL", "60091", "847"),
        ("Oak Park", "IL", "60304", "708"),
        ("Chicago", "IL", "60618", "773"),
        ("Chicago", "IL", "60657", "312"),
    ),
    abilities={
        "JV": (
            *_every("Middle School", "Freshman", "JV"),
            ("Varsity", "U"),
            ("Varsity", "SK"),
        ),
        "Varsity": _every("Middle School", "Freshman", "JV", "Varsity"),
        "Small College": _every("Middle School", "Freshman", "JV", "Varsity"),
    },
    group_grades={"Table Crew": ("JV",)},
)

SEASONS: tuple[SiteSeason, ...] = (RIVERSIDE, LAKESHORE)

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
