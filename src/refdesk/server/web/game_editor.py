"""What the game editor (``pages/game_editor.py``) reads and compares: the form's fields, a
game's current values in the form's own text format, the site's choices (patterns, assignors,
names already in use), the API bodies a form turns into, and the rows of the conflict screen.

Every value of the form is text in the format the browser sends back (``2026-12-05``,
``14:30``, a name, ``yes`` for a ticked box), so that three versions of a game — what the
person typed (*mine*), what the form was loaded with (*original*, carried in hidden
``orig_<field>`` fields) and what the game is now (*theirs*) — compare as plain strings.

An edit sends ``PATCH /api/v2/games/{id}``'s body with only the fields the person changed
(mine ≠ original) and the ``lock_version`` the form was loaded with: the service refuses a
stale one (409 in the API), and "apply mine on top" resends the same changes with the current
``lock_version``, so a change someone else made to another field is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.fields import parse_time
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.reference.models import AgeGroup, GameType, Gender, League, Pattern, Team
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue
from refdesk.server.web.games import moment

SUGGESTIONS_MAX = 500  # names offered per kind (a <datalist>; any other name may be typed)
STATUS_LABELS = {"A": "Active", "X": "Cancelled (officials paid)", "C": "Cancelled (no fee)"}


@dataclass(frozen=True)
class FormField:
    name: str  # the API's field name (errors come back under it)
    label: str
    editable: bool = True  # False: shown on the conflict screen only (status)


FIELDS: tuple[FormField, ...] = (
    FormField("localized_date", "Date"),
    FormField("localized_time", "Start time"),
    FormField("user_end_time_formatted", "End time"),
    FormField("venue_name", "Venue"),
    FormField("subvenue", "Field or court"),
    FormField("home_team_name", "Home team"),
    FormField("away_team_name", "Away team"),
    FormField("age_group_name", "Age group"),
    FormField("league_name", "League"),
    FormField("game_type_name", "Game type"),
    FormField("gender_name", "Gender"),
    FormField("pattern_id", "Officials pattern"),
    FormField("is_public", "Published"),
    FormField("user_defined_id", "Game ID"),
    FormField("external_id", "External id"),
    FormField("public_note", "Note for officials"),
    FormField("private_note", "Private note"),
    FormField("paid_via", "Paid by"),
    FormField("assignor_id", "Assignor"),
    FormField("status", "Status", editable=False),
)
EDITABLE = tuple(f.name for f in FIELDS if f.editable)
LABELS = {f.name: f.label for f in FIELDS}
# The API's error keys that belong to another field of this form.
ERROR_KEYS = {
    "date_time": "localized_date",
    "pattern_name": "pattern_id",
    "venue_id": "venue_name",
    "home_team_id": "home_team_name",
    "away_team_id": "away_team_name",
    "age_group_id": "age_group_name",
    "league_id": "league_name",
    "game_type_id": "game_type_name",
    "gender_id": "gender_name",
    "published": "is_public",
}
# Names that the service finds or creates (sent only when not blank on a create).
OPTIONAL_ON_CREATE = (
    "user_end_time_formatted",
    "subvenue",
    "league_name",
    "game_type_name",
    "gender_name",
    "user_defined_id",
    "external_id",
    "public_note",
    "private_note",
    "paid_via",
    "assignor_id",
)
TEXTAREAS = ("public_note", "private_note")


def normal(name: str, value: str) -> str:
    """A field's value as compared and sent: trimmed, one line ending, times as ``HH:MM``."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if name in ("localized_time", "user_end_time_formatted") and text:
        clock = parse_time(text)
        return clock.strftime("%H:%M") if clock is not None else text
    if name == "is_public":
        return "yes" if text in ("yes", "true", "on", "1", "y") else ""
    return text


def read_values(form: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The editable fields of a posted form (``prefix`` ``orig_``: the original values)."""
    found: dict[str, str] = {}
    for name in EDITABLE:
        raw = form.get(prefix + name)
        found[name] = normal(name, raw if isinstance(raw, str) else "")
    raw_status = form.get(prefix + "status")
    found["status"] = raw_status if isinstance(raw_status, str) else ""
    return found


@dataclass
class GameForm:
    """The editor's form as shown: values, the original values (edit), ``lock_version``."""

    values: dict[str, str]
    original: dict[str, str] = field(default_factory=dict)
    lock_version: int | None = None
    game_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def changed(self) -> list[str]:
        """The editable fields the person changed (mine ≠ original)."""
        return [n for n in EDITABLE if self.values.get(n, "") != self.original.get(n, "")]


def blank_values(
    day: date | None, assignor_id: int | None, pattern_id: int | None
) -> dict[str, str]:
    values = dict.fromkeys(EDITABLE, "")
    values["status"] = "A"
    if day is not None:
        values["localized_date"] = day.isoformat()
    if assignor_id is not None:
        values["assignor_id"] = str(assignor_id)
    if pattern_id is not None:
        values["pattern_id"] = str(pattern_id)
    return values


def create_body(values: dict[str, str]) -> dict[str, Any]:
    """``POST /api/v2/sites/{id}/games``'s body for the form (blank optional fields left out:
    the API's defaults apply, e.g. the creating assignor)."""
    body: dict[str, Any] = {}
    for name in EDITABLE:
        value = values.get(name, "")
        if name == "is_public":
            body[name] = "true" if value else "false"
        elif value or name not in OPTIONAL_ON_CREATE:
            body[name] = value
    return body


def update_body(form: GameForm, lock_version: int | None) -> dict[str, Any]:
    """``PATCH /api/v2/games/{id}``'s body: the changed fields (blank clears) and the
    ``lock_version`` the changes are made against."""
    body: dict[str, Any] = {"lock_version": "" if lock_version is None else str(lock_version)}
    for name in form.changed():
        value = form.values.get(name, "")
        body[name] = ("true" if value else "false") if name == "is_public" else value
    return body


@dataclass(frozen=True)
class Choices:
    patterns: list[tuple[int, str]]
    assignors: list[tuple[int, str]]
    suggestions: dict[str, list[str]]  # datalist id -> names

    def pattern_name(self, value: str) -> str:
        return next((n for i, n in self.patterns if str(i) == value), value)

    def assignor_name(self, value: str) -> str:
        return next((n for i, n in self.assignors if str(i) == value), value)


SUGGESTED: tuple[tuple[str, type[Any]], ...] = (
    ("venues", Venue),
    ("teams", Team),
    ("age-groups", AgeGroup),
    ("leagues", League),
    ("game-types", GameType),
    ("genders", Gender),
)


async def choices(session: AsyncSession, site_id: int) -> Choices:
    patterns = (
        await session.execute(
            select(Pattern.id, Pattern.name)
            .where(Pattern.site_id == site_id)
            .order_by(Pattern.name)
        )
    ).all()
    assignors = (
        await session.execute(
            select(User.id, User.first_name, User.last_name)
            .where(User.site_id == site_id, User.assignor.is_(True), User.active.is_(True))
            .order_by(User.last_name, User.first_name, User.id)
        )
    ).all()
    suggestions: dict[str, list[str]] = {}
    for key, model in SUGGESTED:
        names = await session.scalars(
            select(model.name)
            .where(model.site_id == site_id)
            .order_by(model.name)
            .limit(SUGGESTIONS_MAX)
        )
        suggestions[key] = list(names.all())
    return Choices(
        patterns=[(p.id, p.name) for p in patterns],
        assignors=[(a.id, f"{a.first_name} {a.last_name}".strip()) for a in assignors],
        suggestions=suggestions,
    )


async def game_values(session: AsyncSession, game: Game, site: Site) -> dict[str, str]:
    """The game as the form shows it (every editable field, and the status)."""
    bundle = await load_bundle(session, [game], {site.id: site})
    tz = zone(site.timezone)
    start = game.start_time.astimezone(tz)
    venue = bundle.venues.get(game.venue_id)
    return {
        "localized_date": start.date().isoformat(),
        "localized_time": start.strftime("%H:%M"),
        "user_end_time_formatted": (
            game.explicit_end.astimezone(tz).strftime("%H:%M") if game.explicit_end else ""
        ),
        "venue_name": venue.name if venue is not None else "",
        "subvenue": game.subvenue or "",
        "home_team_name": bundle.name("team", game.home_team_id) or "",
        "away_team_name": bundle.name("team", game.away_team_id) or "",
        "age_group_name": bundle.name("age_group", game.age_group_id) or "",
        "league_name": bundle.name("league", game.league_id) or "",
        "game_type_name": bundle.name("game_type", game.game_type_id) or "",
        "gender_name": bundle.name("gender", game.gender_id) or "",
        "pattern_id": str(game.pattern_id),
        "is_public": "yes" if game.published else "",
        "user_defined_id": game.user_defined_id or "",
        "external_id": game.external_id or "",
        "public_note": normal("public_note", game.public_note or ""),
        "private_note": normal("private_note", game.private_note or ""),
        "paid_via": game.paid_via or "",
        "assignor_id": str(game.assignor_id) if game.assignor_id is not None else "",
        "status": game.status,
    }


def shown(name: str, value: str, options: Choices) -> str:
    """A value in words for the conflict screen."""
    if name == "is_public":
        return "Yes" if value else "No"
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if name == "pattern_id":
        return options.pattern_name(value) if value else "(none)"
    if name == "assignor_id":
        return options.assignor_name(value) if value else "(none)"
    if name in ("localized_time", "user_end_time_formatted") and value:
        clock = parse_time(value)
        return localized_time(clock) if clock is not None else value
    if name == "user_end_time_formatted":
        return "(from the age group's length)"
    return value if value else "(empty)"


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    mine: str
    theirs: str
    original: str
    they_changed: bool
    i_changed: bool

    @property
    def clash(self) -> bool:
        """Both changed the field, to different values: applying mine replaces theirs."""
        return self.they_changed and self.i_changed and self.mine != self.theirs


def conflict_rows(
    mine: dict[str, str], original: dict[str, str], theirs: dict[str, str], options: Choices
) -> list[ConflictRow]:
    """Every field that either side changed since the form was loaded, in form order."""
    rows: list[ConflictRow] = []
    for spec in FIELDS:
        name = spec.name
        before = original.get(name, "")
        now = theirs.get(name, "")
        typed = mine.get(name, before) if spec.editable else before
        they, i = now != before, typed != before
        if they or i:
            rows.append(
                ConflictRow(
                    name,
                    spec.label,
                    shown(name, typed, options),
                    shown(name, now, options),
                    shown(name, before, options),
                    they,
                    i,
                )
            )
    return rows


@dataclass(frozen=True)
class AtStake:
    """What deleting a game takes with it (the confirmation step says it)."""

    officials: list[str]
    pending_requests: int


async def at_stake(session: AsyncSession, game: Game) -> AtStake:
    rows = await session.execute(
        select(User.first_name, User.last_name)
        .join(Assignment, Assignment.official_id == User.id)
        .where(Assignment.game_id == game.id)
        .order_by(Assignment.sort_order, Assignment.id)
    )
    requests = await session.scalars(
        select(GameRequest.id).where(
            GameRequest.game_id == game.id, GameRequest.status == "pending"
        )
    )
    return AtStake(
        officials=[f"{first} {last}".strip() for first, last in rows.all()],
        pending_requests=len(requests.all()),
    )


def summary(values: dict[str, str], game: Game, site: Site) -> str:
    """``Hawks vs Falcons, Saturday 5 December 2026 at 9:00 AM``."""
    home = values.get("home_team_name") or "?"
    away = values.get("away_team_name") or "?"
    return f"{home} vs {away}, {moment(game.start_time, site.timezone)}"
