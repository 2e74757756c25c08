"""Form templates and submissions (contract §18.5, §18.6). Reading submissions is Assignr's;
templates and writes are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from refdesk.client._core import Call, no_content, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    SyncNamespace,
    body,
    page_params,
    path_id,
    wrapped,
)

TEMPLATES = "form_templates"
SUBMISSIONS = "form_submissions"
DateIn = date | str | None
Values = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def _templates(site_id: int | str, page: int | None, limit: int | None) -> Call:
    path = f"sites/{path_id(site_id)}/form/templates"
    return Call("GET", path, params=page_params(page, limit))


def _template(template_id: int | str, suffix: str = "") -> str:
    return f"form/templates/{path_id(template_id)}{suffix}"


def _create_template(site_id: int | str, fields: Mapping[str, Any]) -> Call:
    path = f"sites/{path_id(site_id)}/form/templates"
    return Call("POST", path, json=wrapped("form_template", fields))


def _update_template(template_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", _template(template_id), json=wrapped("form_template", fields))


def _submissions(
    template_id: int | str,
    page: int | None,
    limit: int | None,
    start_date: DateIn,
    end_date: DateIn,
    game_id: int | None,
) -> Call:
    search = {"start_date": start_date, "end_date": end_date, "game_id": game_id}
    path = _template(template_id, "/submissions")
    return Call("GET", path, params=page_params(page, limit, search))


def _submit(
    template_id: int | str, game_id: int, values: Values, idempotency_key: str | None
) -> Call:
    shaped = dict(values) if isinstance(values, Mapping) else [dict(v) for v in values]
    json = body("form_submission", game_id=path_id(game_id), values=shaped)
    path = _template(template_id, "/submissions")
    return Call("POST", path, json=json, idempotency_key=idempotency_key)


def _submission(submission_id: int | str) -> str:
    return f"form/submissions/{path_id(submission_id)}"


class FormTemplates(SyncNamespace):
    """``client.form_templates`` (``name``, ``description``, ``active``, ``fields``,
    ``mappings``), and the submissions of a template."""

    def list(
        self, site_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return self._client._run(page_of(_templates(site_id, page, limit), TEMPLATES))

    def iter(self, site_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_templates(site_id, None, limit), TEMPLATES)

    def get(self, template_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _template(template_id))))

    def create(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_create_template(site_id, fields)))

    def update(self, template_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_update_template(template_id, fields)))

    def delete(self, template_id: int | str) -> None:
        """Delete a template without submissions (else ``ValidationError``)."""
        self._client._run(no_content(Call("DELETE", _template(template_id))))

    def submissions(
        self,
        template_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
    ) -> Page:
        """One page of the template's submissions, newest first."""
        call = _submissions(template_id, page, limit, start_date, end_date, game_id)
        return self._client._run(page_of(call, SUBMISSIONS))

    def iter_submissions(
        self,
        template_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
    ) -> Iterator[Resource]:
        call = _submissions(template_id, None, limit, start_date, end_date, game_id)
        return self._client._iterate(call, SUBMISSIONS)


class AsyncFormTemplates(AsyncNamespace):
    """``client.form_templates`` of an ``AsyncClient``; same methods as
    :class:`FormTemplates`."""

    async def list(
        self, site_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_templates(site_id, page, limit), TEMPLATES))

    def iter(self, site_id: int | str, *, limit: int | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_templates(site_id, None, limit), TEMPLATES)

    async def get(self, template_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _template(template_id))))

    async def create(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_create_template(site_id, fields)))

    async def update(self, template_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update_template(template_id, fields)))

    async def delete(self, template_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _template(template_id))))

    async def submissions(
        self,
        template_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
    ) -> Page:
        call = _submissions(template_id, page, limit, start_date, end_date, game_id)
        return await self._client._run(page_of(call, SUBMISSIONS))

    def iter_submissions(
        self,
        template_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
    ) -> AsyncIterator[Resource]:
        call = _submissions(template_id, None, limit, start_date, end_date, game_id)
        return self._client._iterate(call, SUBMISSIONS)


class FormSubmissions(SyncNamespace):
    """``client.form_submissions``."""

    def get(self, submission_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _submission(submission_id))))

    def create(
        self,
        template_id: int | str,
        *,
        game_id: int,
        values: Values,
        idempotency_key: str | None = None,
    ) -> Resource:
        """Submit the form for a game; ``values`` is ``{".key": value}`` or a list of
        ``{"key", "value"}``."""
        call = _submit(template_id, game_id, values, idempotency_key)
        return self._client._run(single(call))

    def delete(self, submission_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", _submission(submission_id))))


class AsyncFormSubmissions(AsyncNamespace):
    """``client.form_submissions`` of an ``AsyncClient``; same methods as
    :class:`FormSubmissions`."""

    async def get(self, submission_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _submission(submission_id))))

    async def create(
        self,
        template_id: int | str,
        *,
        game_id: int,
        values: Values,
        idempotency_key: str | None = None,
    ) -> Resource:
        call = _submit(template_id, game_id, values, idempotency_key)
        return await self._client._run(single(call))

    async def delete(self, submission_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _submission(submission_id))))
