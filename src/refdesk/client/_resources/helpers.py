"""The helper groups of ``Client`` and ``AsyncClient`` (``client.games``, ``client.venues``...),
attached by two mixins so the client classes stay about transport."""

from __future__ import annotations

from typing import cast

from refdesk.client._resources._base import AsyncRunner, SyncRunner
from refdesk.client._resources.account import AsyncCurrentAccount, CurrentAccount
from refdesk.client._resources.applications import Applications, AsyncApplications
from refdesk.client._resources.assignments import Assignments, AsyncAssignments
from refdesk.client._resources.auto_assign import AsyncAutoAssign, AutoAssign
from refdesk.client._resources.availability import AsyncAvailability, Availability
from refdesk.client._resources.calendar import AsyncCalendar, Calendar
from refdesk.client._resources.forms import (
    AsyncFormSubmissions,
    AsyncFormTemplates,
    FormSubmissions,
    FormTemplates,
)
from refdesk.client._resources.game_requests import AsyncGameRequests, GameRequests
from refdesk.client._resources.games import AsyncGames, Games
from refdesk.client._resources.messages import AsyncMessages, Messages
from refdesk.client._resources.officials import (
    Abilities,
    AsyncAbilities,
    AsyncConflicts,
    Conflicts,
)
from refdesk.client._resources.reference import (
    REFERENCE_KINDS,
    AsyncGroups,
    AsyncReferenceData,
    Groups,
    ReferenceData,
)
from refdesk.client._resources.reports import AsyncGameReports, GameReports
from refdesk.client._resources.sites import AsyncSites, Sites
from refdesk.client._resources.statements import AsyncStatements, Statements
from refdesk.client._resources.users import AsyncUsers, Users
from refdesk.client._resources.webhooks import AsyncWebhooks, Webhooks


class SyncHelpers:
    """Every typed helper group of :class:`~refdesk.client.Client`."""

    current_account: CurrentAccount
    applications: Applications
    calendar: Calendar
    sites: Sites
    users: Users
    games: Games
    assignments: Assignments
    game_requests: GameRequests
    availability: Availability
    conflicts: Conflicts
    abilities: Abilities
    venues: ReferenceData
    zones: ReferenceData
    age_groups: ReferenceData
    leagues: ReferenceData
    teams: ReferenceData
    game_types: ReferenceData
    genders: ReferenceData
    positions: ReferenceData
    patterns: ReferenceData
    groups: Groups
    statements: Statements
    game_reports: GameReports
    form_templates: FormTemplates
    form_submissions: FormSubmissions
    webhooks: Webhooks
    messages: Messages
    auto_assign: AutoAssign

    def _attach_helpers(self) -> None:
        client = cast(SyncRunner, self)
        self.auto_assign = AutoAssign(client)
        self.current_account = CurrentAccount(client)
        self.applications = Applications(client)
        self.calendar = Calendar(client)
        self.sites = Sites(client)
        self.users = Users(client)
        self.games = Games(client)
        self.assignments = Assignments(client)
        self.game_requests = GameRequests(client)
        self.availability = Availability(client)
        self.conflicts = Conflicts(client)
        self.abilities = Abilities(client)
        self.venues = ReferenceData(client, "venues")
        self.zones = ReferenceData(client, "zones")
        self.age_groups = ReferenceData(client, "age_groups")
        self.leagues = ReferenceData(client, "leagues")
        self.teams = ReferenceData(client, "teams")
        self.game_types = ReferenceData(client, "game_types")
        self.genders = ReferenceData(client, "genders")
        self.positions = ReferenceData(client, "positions")
        self.patterns = ReferenceData(client, "patterns")
        self.groups = Groups(client)
        self.statements = Statements(client)
        self.game_reports = GameReports(client)
        self.form_templates = FormTemplates(client)
        self.form_submissions = FormSubmissions(client)
        self.webhooks = Webhooks(client)
        self.messages = Messages(client)

    def reference(self, plural: str) -> ReferenceData:
        """The helper of a reference kind by its plural (``"venues"``, ``"age_groups"``...)."""
        helper = getattr(self, plural, None) if plural in REFERENCE_KINDS else None
        if not isinstance(helper, ReferenceData):
            raise ValueError(f"unknown reference kind {plural!r}; one of {REFERENCE_KINDS}")
        return helper


class AsyncHelpers:
    """Every typed helper group of :class:`~refdesk.client.AsyncClient`."""

    current_account: AsyncCurrentAccount
    applications: AsyncApplications
    calendar: AsyncCalendar
    sites: AsyncSites
    users: AsyncUsers
    games: AsyncGames
    assignments: AsyncAssignments
    game_requests: AsyncGameRequests
    availability: AsyncAvailability
    conflicts: AsyncConflicts
    abilities: AsyncAbilities
    venues: AsyncReferenceData
    zones: AsyncReferenceData
    age_groups: AsyncReferenceData
    leagues: AsyncReferenceData
    teams: AsyncReferenceData
    game_types: AsyncReferenceData
    genders: AsyncReferenceData
    positions: AsyncReferenceData
    patterns: AsyncReferenceData
    groups: AsyncGroups
    statements: AsyncStatements
    game_reports: AsyncGameReports
    form_templates: AsyncFormTemplates
    form_submissions: AsyncFormSubmissions
    webhooks: AsyncWebhooks
    messages: AsyncMessages
    auto_assign: AsyncAutoAssign

    def _attach_helpers(self) -> None:
        client = cast(AsyncRunner, self)
        self.auto_assign = AsyncAutoAssign(client)
        self.current_account = AsyncCurrentAccount(client)
        self.applications = AsyncApplications(client)
        self.calendar = AsyncCalendar(client)
        self.sites = AsyncSites(client)
        self.users = AsyncUsers(client)
        self.games = AsyncGames(client)
        self.assignments = AsyncAssignments(client)
        self.game_requests = AsyncGameRequests(client)
        self.availability = AsyncAvailability(client)
        self.conflicts = AsyncConflicts(client)
        self.abilities = AsyncAbilities(client)
        self.venues = AsyncReferenceData(client, "venues")
        self.zones = AsyncReferenceData(client, "zones")
        self.age_groups = AsyncReferenceData(client, "age_groups")
        self.leagues = AsyncReferenceData(client, "leagues")
        self.teams = AsyncReferenceData(client, "teams")
        self.game_types = AsyncReferenceData(client, "game_types")
        self.genders = AsyncReferenceData(client, "genders")
        self.positions = AsyncReferenceData(client, "positions")
        self.patterns = AsyncReferenceData(client, "patterns")
        self.groups = AsyncGroups(client)
        self.statements = AsyncStatements(client)
        self.game_reports = AsyncGameReports(client)
        self.form_templates = AsyncFormTemplates(client)
        self.form_submissions = AsyncFormSubmissions(client)
        self.webhooks = AsyncWebhooks(client)
        self.messages = AsyncMessages(client)

    def reference(self, plural: str) -> AsyncReferenceData:
        """The helper of a reference kind by its plural (``"venues"``, ``"age_groups"``...)."""
        helper = getattr(self, plural, None) if plural in REFERENCE_KINDS else None
        if not isinstance(helper, AsyncReferenceData):
            raise ValueError(f"unknown reference kind {plural!r}; one of {REFERENCE_KINDS}")
        return helper
