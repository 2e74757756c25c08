"""Typed helpers per resource, one module per concept of the contract.

Each module holds the calls once (``Call`` objects and flows from ``_core``) and two thin
namespaces over them, one for ``Client`` and one for ``AsyncClient``. A new concept (games,
assignments, availability, ...) is a new module of the same shape, attached in ``_client``.
"""

from refdesk.client._resources.account import AsyncCurrentAccount, CurrentAccount
from refdesk.client._resources.sites import AsyncSites, Sites
from refdesk.client._resources.users import AsyncUsers, Users

__all__ = [
    "AsyncCurrentAccount",
    "AsyncSites",
    "AsyncUsers",
    "CurrentAccount",
    "Sites",
    "Users",
]
