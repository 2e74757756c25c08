"""Typed helpers per resource, one module per concept of the contract.

Each module holds the calls once (``Call`` objects and flows from ``_core``) and two thin
namespaces over them, one for ``Client`` and one for ``AsyncClient``. A new concept is a new
module of the same shape, attached in ``helpers`` (the mixins the client classes inherit).
"""

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
from refdesk.client._resources.games import AsyncGames, GameFilters, Games
from refdesk.client._resources.messages import AsyncMessages, Messages
from refdesk.client._resources.officials import Abilities, AsyncAbilities, AsyncConflicts, Conflicts
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
from refdesk.client._resources.users import AsyncUsers, UserFilters, Users
from refdesk.client._resources.webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "REFERENCE_KINDS",
    "Abilities",
    "Applications",
    "Assignments",
    "AsyncAbilities",
    "AsyncApplications",
    "AsyncAssignments",
    "AsyncAutoAssign",
    "AsyncAvailability",
    "AsyncCalendar",
    "AsyncConflicts",
    "AsyncCurrentAccount",
    "AsyncFormSubmissions",
    "AsyncFormTemplates",
    "AsyncGameReports",
    "AsyncGameRequests",
    "AsyncGames",
    "AsyncGroups",
    "AsyncMessages",
    "AsyncReferenceData",
    "AsyncSites",
    "AsyncStatements",
    "AsyncUsers",
    "AsyncWebhooks",
    "AutoAssign",
    "Availability",
    "Calendar",
    "Conflicts",
    "CurrentAccount",
    "FormSubmissions",
    "FormTemplates",
    "GameFilters",
    "GameReports",
    "GameRequests",
    "Games",
    "Groups",
    "Messages",
    "ReferenceData",
    "Sites",
    "Statements",
    "UserFilters",
    "Users",
    "Webhooks",
]
