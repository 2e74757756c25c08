"""HAL representations (contract §9, §10): resources with links and embedded resources, and
collection pages with the four stop signals of §9.2.

A :class:`Resource` is the decoded JSON object itself (a ``dict``), so ``site["name"]`` works
and nothing the server sends is hidden; the properties add link and embedded access. Network
navigation (``follow``) lives on the client, which knows how to send requests.
"""

from __future__ import annotations

from typing import Any


def _wrap(value: dict[str, Any]) -> Resource:
    return value if isinstance(value, Resource) else Resource(value)


class Resource(dict[str, Any]):
    """One HAL object: its members, plus ``links``/``link(rel)`` and ``embedded(name)``."""

    @property
    def id(self) -> int | None:
        value = self.get("id")
        return value if isinstance(value, int) else None

    @property
    def lock_version(self) -> int | None:
        value = self.get("lock_version")
        return value if isinstance(value, int) else None

    @property
    def links(self) -> dict[str, Any]:
        links = self.get("_links")
        return links if isinstance(links, dict) else {}

    def link(self, rel: str) -> str | None:
        """The ``href`` of the link ``rel`` (the first one if the relation is a list)."""
        value = self.links.get(rel)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            href = value.get("href")
            return href if isinstance(href, str) and href else None
        return None

    @property
    def self_url(self) -> str | None:
        return self.link("self")

    @property
    def resource_type(self) -> str | None:
        value = self.links.get("self")
        kind = value.get("resource-type") if isinstance(value, dict) else None
        return kind if isinstance(kind, str) else None

    @property
    def embedded_resources(self) -> dict[str, Any]:
        value = self.get("_embedded")
        return value if isinstance(value, dict) else {}

    def embedded(self, name: str) -> Resource | list[Resource] | None:
        """``_embedded[name]`` as a Resource or a list of Resources (None when absent)."""
        value = self.embedded_resources.get(name)
        if isinstance(value, list):
            return [_wrap(item) for item in value if isinstance(item, dict)]
        if isinstance(value, dict):
            return _wrap(value)
        return None

    def embedded_one(self, name: str) -> Resource | None:
        """A single embedded resource (``official``, ``site``, ``venue``, ...)."""
        value = self.embedded(name)
        return value if isinstance(value, Resource) else None

    def embedded_list(self, name: str) -> list[Resource]:
        """An embedded list (``assignments``, ``sites``, ...); empty when absent."""
        value = self.embedded(name)
        if isinstance(value, list):
            return value
        return [value] if isinstance(value, Resource) else []


class Page(Resource):
    """One page of a collection (§9.2): ``resources`` (its items), the ``page`` object, links.

    ``key`` names the collection (``sites``, ``users``...); without it the first list found in
    ``_embedded`` is used, which is what a caller of an unknown endpoint wants."""

    def __init__(self, data: dict[str, Any], key: str | None = None) -> None:
        super().__init__(data)
        self.key = key

    @property
    def resources(self) -> list[Resource]:
        if self.key is not None:
            return self.embedded_list(self.key)
        for value in self.embedded_resources.values():
            if isinstance(value, list):
                return [_wrap(item) for item in value if isinstance(item, dict)]
        return []

    @property
    def info(self) -> dict[str, Any]:
        value = self.get("page")
        return value if isinstance(value, dict) else {}

    @property
    def records(self) -> int | None:
        value = self.info.get("records")
        return value if isinstance(value, int) else None

    @property
    def next_url(self) -> str | None:
        return self.link("next")

    @property
    def is_last(self) -> bool:
        """True when any of the contract's stop signals says there is nothing after this page:
        an empty page, ``current_page >= pages``, ``next_page`` null, or no ``next`` link."""
        if not self.resources or self.next_url is None:
            return True
        info = self.info
        if "next_page" in info and info["next_page"] is None:
            return True
        pages, current = info.get("pages"), info.get("current_page")
        return isinstance(pages, int) and isinstance(current, int) and current >= pages
