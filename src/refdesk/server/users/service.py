"""User rules: who may read and change a user profile (contract §7.3–7.4, §17.1)."""

from __future__ import annotations

from typing import Any, cast

from anyio import to_thread
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.invitation_mail import Invites, Sender, mail_invitation
from refdesk.server.accounts.invitations import InvitationRefused
from refdesk.server.accounts.models import Account
from refdesk.server.auth.passwords import Passwords, password_errors
from refdesk.server.auth.principal import Principal
from refdesk.server.db.locking import apply_changes, check_lock_version
from refdesk.server.db.paging import page_of
from refdesk.server.db.rows import reads_only
from refdesk.server.db.unique import add_unless_taken, flush_unique, serialize_rule
from refdesk.server.errors import ErrorCollector, Forbidden, ValidationFailed
from refdesk.server.events.preferences import merged
from refdesk.server.inputs import UNSET, Input, Problems
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import (
    Membership,
    accessible_site_ids,
    load_in_site,
    load_row_in_site,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.users import queries
from refdesk.server.users.models import User
from refdesk.server.users.preferences import PREFERENCES
from refdesk.server.users.schemas import (
    ASSIGNOR_ONLY,
    NOT_YOURS,
    LockVersion,
    UserCreate,
    UserListQuery,
    UserUpdate,
)


async def load_user(
    session: AsyncSession, principal: Principal, user_id: int, *, for_update: bool = False
) -> tuple[User, Membership]:
    """Steps 12–14 for a user record: 404, membership 403, 402. In a read session the user,
    the site and the caller's profile are rows read like the entities (``member_rows.py``)."""
    if not for_update and reads_only(session):
        row, member = await load_row_in_site(session, principal, User, user_id)
        return cast(User, row), member
    return await load_in_site(session, principal, User, user_id, for_update=for_update)


def is_own(member: Membership, user: User) -> bool:
    return member.user is not None and member.user.id == user.id


async def read_user(
    session: AsyncSession, principal: Principal, user_id: int
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id)
    member.require(member.administers or is_own(member, user), "read this user")
    return user, member


async def update_user(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    inp: UserUpdate,
    invites: Invites | None = None,
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id, for_update=True)
    member.require(member.administers or is_own(member, user), "change this user")
    if not member.assignor:
        for name in ASSIGNOR_ONLY:
            if inp.supplied(name):
                raise Forbidden(f"You may not change the field {name}")
    # Which e-mails a person gets is theirs alone to choose (not even an assignor's).
    if inp.supplied(PREFERENCES) and not is_own(member, user):
        raise Forbidden(f"Only the person may change the field {PREFERENCES}")
    # A user update never sets the account's password, not even an operator's (§17.1).
    raise_problems(inp.password_problems)
    raise_problems(inp.lock_problems)
    check_lock_version(user, inp.lock_version)
    inp.raise_if_invalid()
    changes = inp.changes()
    if changes.get(PREFERENCES) is not None:
        changes[PREFERENCES] = merged(user.notification_preferences, changes[PREFERENCES])
    errors = ErrorCollector()
    await check_user_rules(session, member.site, user, changes, errors)
    errors.raise_if_any()
    await apply_changes(session, user, changes, inp.lock_version)
    if inp.send_authorization_email is True:
        account = await session.get(Account, user.account_id)
        assert account is not None  # users.account_id is a foreign key
        await send_invitation(session, invites, account, member, user)
    return user, member


async def send_invitation(
    session: AsyncSession,
    invites: Invites | None,
    account: Account,
    member: Membership,
    user: User,
) -> bool:
    """``send_authorization_email``: e-mail the account an invitation to set its password, in
    this transaction. Only an account without a password gets one (§17.1); a deactivated
    account gets none either. False: nothing was sent."""
    if invites is None:
        raise RuntimeError("send_authorization_email needs the invitation runtime (Invites)")
    inviter = member.user.first_name + " " + member.user.last_name if member.user else None
    sender = Sender(site_id=member.site.id, site_name=member.site.name, inviter_name=inviter)
    try:
        await mail_invitation(session, invites, account, sender, user_id=user.id)
    except InvitationRefused:
        return False
    return True


def raise_problems(problems: Problems) -> None:
    """A 422 of these problems alone (answered before the others)."""
    if problems:
        Input(problems=problems).raise_if_invalid()


async def officials_in_site(session: AsyncSession, site_id: int, exclude: int | None) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(User.site_id == site_id, User.official.is_(True), User.active.is_(True))
    )
    if exclude is not None:
        query = query.where(User.id != exclude)
    return int(await session.scalar(query) or 0)


async def check_official_limit(
    session: AsyncSession, site: Site, user_id: int | None, errors: ErrorCollector
) -> None:
    """Adding one more active official must stay within the plan's ``official_limit``."""
    if site.official_limit is None:
        return
    if await officials_in_site(session, site.id, user_id) + 1 > site.official_limit:
        errors.add("official", "exceeds the official limit of this site's plan")


RULE_FIELDS = frozenset({"official", "active", "assignor", "first_name", "last_name"})


async def check_user_rules(
    session: AsyncSession,
    site: Site,
    user: User | None,
    changes: dict[str, Any],
    errors: ErrorCollector,
) -> None:
    """Site-level rules of §17.1 for a new user (``user`` None) or a change of ``user``,
    checked in turn per site (concurrent writers must not both pass, then both write)."""
    if user is None or RULE_FIELDS & changes.keys():
        await serialize_rule(session, "users", site.id)

    def value(name: str, default: Any) -> Any:
        return changes.get(name, getattr(user, name) if user is not None else default)

    official = value("official", True)
    active = value("active", True)
    first, last = value("first_name", ""), value("last_name", "")
    exclude = user.id if user is not None else None
    if official and (user is None or {"official", "first_name", "last_name"} & changes.keys()):
        query = select(User.id).where(
            User.site_id == site.id,
            User.official.is_(True),
            func.lower(User.first_name) == str(first).lower(),
            func.lower(User.last_name) == str(last).lower(),
        )
        if exclude is not None:
            query = query.where(User.id != exclude)
        if await session.scalar(query.limit(1)):
            errors.add(
                "base", "First and last name are already used by another official of this site"
            )
    was_counted = user is not None and user.official and user.active
    if official and active and not was_counted:
        await check_official_limit(session, site, exclude, errors)
    losing_assignor = (
        user is not None
        and user.assignor
        and user.active
        and (changes.get("assignor") is False or changes.get("active") is False)
    )
    if losing_assignor:
        others = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.site_id == site.id,
                User.id != exclude,
                User.assignor.is_(True),
                User.active.is_(True),
            )
        )
        if not others:
            errors.add("assignor", "the site must keep at least one active assignor")


ROLE_DEFAULTS = {"official": True, "assignor": False, "manager": False, "observer": False}
USER_ORDER = (func.lower(User.last_name), func.lower(User.first_name), User.id)


async def list_site_users(
    session: AsyncSession, principal: Principal, site_id: int, query: UserListQuery
) -> tuple[Site, list[tuple[User, Site]], int, PageRequest]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, "list this site's users")
    query.raise_if_invalid()
    statement = queries.apply_user_filters(select(User).where(User.site_id == site_id), query)
    users, total = await page_of(session, statement, USER_ORDER, query.page)
    return member.site, [(u, member.site) for u in users], total, query.page


async def list_all_users(
    session: AsyncSession, principal: Principal, query: UserListQuery
) -> tuple[list[tuple[User, Site]], int, PageRequest]:
    """Users of every site the caller administers, plus its own users elsewhere."""
    query.raise_if_invalid()
    sites = await accessible_site_ids(session, principal)
    administered = [sid for sid, m in sites.items() if m.administers]
    own_sites = [sid for sid, m in sites.items() if not m.administers]
    statement = select(User).where(
        or_(
            User.site_id.in_(administered),
            and_(User.site_id.in_(own_sites), User.account_id == principal.account_id),
        )
    )
    statement = queries.apply_user_filters(statement, query)
    users, total = await page_of(session, statement, USER_ORDER, query.page)
    return [(u, sites[u.site_id].site) for u in users], total, query.page


def _forbid_fields(member: Membership, inp: UserCreate) -> None:
    """Managers create users with the default role flags only (§7.4); an unreadable role flag
    is answered alone, before the other fields."""
    if member.assignor:
        return
    defaults: list[str] = []
    for name in ASSIGNOR_ONLY:
        if not inp.supplied(name):
            continue
        if name in ROLE_DEFAULTS:
            value = getattr(inp, name)
            if value is UNSET or value == ROLE_DEFAULTS[name]:
                defaults.append(name)
                continue
        raise Forbidden(f"You may not set the field {name}")
    inp.errors_of(*defaults).raise_if_any()


async def create_user(
    session: AsyncSession,
    passwords: Passwords,
    principal: Principal,
    site_id: int,
    inp: UserCreate,
    invites: Invites | None = None,
) -> tuple[User, Site]:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.administers, "create users in this site")
    _forbid_fields(member, inp)
    # The password is checked where the client's fields end (before send_authorization_email).
    late = ("send_authorization_email",)
    errors = inp.errors(but=late)
    for field, message in inp.missing():
        errors.add(field, message)
    password = _read_new_password(inp, errors, operator=principal.operator)
    for name in late:
        for message in inp.messages_of(name):
            errors.add(name, message)
    changes = inp.changes()
    changes.pop("active", None)
    errors.raise_if_any()
    await check_user_rules(session, member.site, None, changes, errors)
    emails: list[str] = changes["email_addresses"]
    email_key = inp.email_key
    account = await session.scalar(
        select(Account).where(func.lower(Account.email) == emails[0].lower())
    )
    if account is not None:
        taken = await session.scalar(
            select(User.id).where(User.site_id == site_id, User.account_id == account.id)
        )
        if taken:
            errors.add(email_key, "has already been taken")
        if password:
            errors.add("password", EXISTING_ACCOUNT)
    errors.raise_if_any()
    if account is None:
        login_taken = await session.scalar(
            select(Account.id).where(Account.login == emails[0].lower())
        )
        account = Account(
            login=emails[0].lower() if not login_taken else f"{emails[0].lower()}#{site_id}",
            email=emails[0].lower(),
            first_name=changes["first_name"],
            last_name=changes["last_name"],
            password_hash=await to_thread.run_sync(passwords.hash, password) if password else None,
        )
        if not await add_unless_taken(session, account):
            # Another site created the account for this e-mail at the same moment: link to
            # it, as if that request had come first (a login clash is the e-mail's 422).
            account = await session.scalar(
                select(Account).where(func.lower(Account.email) == emails[0].lower())
            )
            if account is None:
                raise ValidationFailed({email_key: ["has already been taken"]})
    values = dict(ROLE_DEFAULTS)
    values.update(changes)
    user = User(site_id=site_id, account_id=account.id, **values)
    user.password_set = account.password_hash is not None
    session.add(user)
    await flush_unique(session, {email_key: ["has already been taken"]})
    if inp.send_authorization_email is True:
        await send_invitation(session, invites, account, member, user)
    return user, member.site


EXISTING_ACCOUNT = "can't be set for an existing account"


def _read_new_password(inp: UserCreate, errors: ErrorCollector, *, operator: bool) -> str | None:
    password, confirmation = inp.password, inp.password_confirmation
    if password in (None, "") and confirmation in (None, ""):
        return None
    if not operator:
        errors.add("password", NOT_YOURS)
        return None
    problems = password_errors(password)
    for problem in problems:
        errors.add("password", "is invalid" if problem == "can't be blank" else problem)
    if confirmation != password:
        errors.add("password_confirmation", "doesn't match Password")
    return None if problems else str(password)


async def set_active(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    active: bool,
    inp: LockVersion,
) -> tuple[User, Membership]:
    """``activate`` / ``deactivate``: assignors only; ``lock_version`` checked if sent."""
    user, member = await load_user(session, principal, user_id, for_update=True)
    member.require(member.assignor, "activate or deactivate users")
    inp.raise_if_invalid()
    check_lock_version(user, inp.lock_version)
    errors = ErrorCollector()
    await check_user_rules(session, member.site, user, {"active": active}, errors)
    errors.raise_if_any()
    await apply_changes(session, user, {"active": active}, inp.lock_version)
    return user, member
