"""The caller's membership read as plain rows: the site and the caller's profile in it.

The reads of one record or one site start with a statement that loads the site and the
caller's active profile there (``sites/access.py``). As ORM entities that statement cost about
1 ms of a 3.7 ms game read on SQLite (issue 15): three entities' instance state, and
SQLAlchemy's execution with four hand-offs to SQLite's thread. In a read session nothing
loaded is written, so the site and the profile are named tuples of their columns, read by the
same attribute names as the entities (the models hold columns only), selected with the record
in one statement and run on the driver (``db/rows.py``).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, bindparam, inspect, select
from sqlalchemy.orm import aliased

from refdesk.server.db.rows import prepared
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User


def fields_of(model: type[Any]) -> tuple[str, ...]:
    """Every loaded attribute of ``model``: its columns and its column properties (a user's
    ``password_set``)."""
    return tuple(prop.key for prop in inspect(model).column_attrs)


SITE_FIELDS = fields_of(Site)
PROFILE_FIELDS = fields_of(User)
SiteRow = namedtuple("SiteRow", SITE_FIELDS)  # type: ignore[misc]
ProfileRow = namedtuple("ProfileRow", PROFILE_FIELDS)  # type: ignore[misc]
SITE_WIDTH = len(SITE_FIELDS)
_PROFILE_ID = PROFILE_FIELDS.index("id")


def profile_join(account_id: Any, profile: Any = User) -> ColumnElement[bool]:
    """ON clause for the account's active profile in the joined site (outer join on User);
    ``account_id`` is a value or a bind parameter."""
    return and_(
        profile.site_id == Site.id, profile.account_id == account_id, profile.active.is_(True)
    )


def _member_columns(profile: Any) -> list[Any]:
    """The site's columns, then the profile's, labelled apart from the record's."""
    site = [getattr(Site, key).label(f"site__{key}") for key in SITE_FIELDS]
    return site + [getattr(profile, key).label(f"profile__{key}") for key in PROFILE_FIELDS]


def _site_statement() -> Any:
    profile: Any = aliased(User)
    return prepared(
        select(*_member_columns(profile))
        .select_from(Site)
        .outerjoin(profile, profile_join(bindparam("account_id"), profile))
        .where(Site.id == bindparam("site_id"))
    )


SITE_AND_PROFILE = _site_statement()
_RECORD_STATEMENTS: dict[type[Any], tuple[Any, int]] = {}  # one prebuilt statement per model


def record_statement(model: type[Any]) -> tuple[Any, int]:
    """A record of ``model`` by id (``record_id``), its site and the caller's profile there
    (``account_id``): the record's attributes (:func:`fields_of`) under their own names, then
    :func:`split`'s; and where the site's columns start."""
    found = _RECORD_STATEMENTS.get(model)
    if found is None:
        profile: Any = aliased(User)
        fields = fields_of(model)
        record = [getattr(model, key).label(key) for key in fields]
        found = _RECORD_STATEMENTS[model] = (
            prepared(
                select(*record, *_member_columns(profile))
                .join(Site, Site.id == model.site_id)
                .outerjoin(profile, profile_join(bindparam("account_id"), profile))
                .where(model.id == bindparam("record_id"))
            ),
            len(fields),
        )
    return found


def split(row: Any, start: int) -> tuple[Site, User | None]:
    """The site and the profile (None: no active profile) from ``row``'s columns at ``start``."""
    values = tuple(row)
    site = SiteRow._make(values[start : start + SITE_WIDTH])
    found = values[start + SITE_WIDTH :]
    profile = None if found[_PROFILE_ID] is None else ProfileRow._make(found)
    return cast(Site, site), cast(User | None, profile)
