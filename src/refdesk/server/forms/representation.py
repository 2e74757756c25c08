"""Form template and submission documents (contract §18.5, §18.6), and the submission's
web view page."""

from __future__ import annotations

import html
import re
from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.fields import FALSE_WORDS
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.forms.service import Submissions, webview_token
from refdesk.server.reports.representation import game_summary
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp

FLAGS = ("has_misconduct", "has_no_show", "has_narrative", "has_ejections")


def truthy(value: str | None) -> bool:
    if value is None:
        return False
    text = value.strip().lower()
    return bool(text) and text not in ("null",) and text not in FALSE_WORDS


def score(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def summary(template: FormTemplate, submission: FormSubmission) -> dict[str, Any]:
    values = dict((k, v) for k, v in submission.values)
    mappings = template.mappings or {}
    result: dict[str, Any] = {}
    for flag in FLAGS:
        mapped = mappings.get(flag)
        result[flag] = "true" if mapped and truthy(values.get(mapped)) else "false"
    for name in ("home_team_score", "away_team_score"):
        mapped = mappings.get(name)
        result[name] = score(values.get(mapped)) if mapped else None
    return result


def attachments(template: FormTemplate, submission: FormSubmission) -> list[dict[str, Any]]:
    values = dict((k, v) for k, v in submission.values)
    found: list[dict[str, Any]] = []
    for field in template.fields or []:
        if field.get("type") != "upload":
            continue
        prefix = field["key"]
        indexes = sorted(
            {
                int(m.group(1))
                for k in values
                if (m := re.match(re.escape(prefix) + r"\.([0-9]{1,9})\.", k))
            }
        )
        for n in indexes:
            parts = {
                name: values.get(f"{prefix}.{n}.{name}") for name in ("name", "url", "size", "type")
            }
            clean = {k: (None if v in (None, "null") else v) for k, v in parts.items()}
            size = clean["size"]
            found.append(
                {
                    "name": clean["name"],
                    "url": clean["url"],
                    "size": score(size) if size is not None else None,
                    "type": clean["type"],
                }
            )
    return found


def ordered_values(template: FormTemplate, submission: FormSubmission) -> list[dict[str, Any]]:
    fields = {f["key"]: f for f in template.fields or []}
    values = dict((k, v) for k, v in submission.values)
    result: list[dict[str, Any]] = []
    for field in template.fields or []:
        if field["key"] in values:
            result.append(
                {
                    "key": field["key"],
                    "template_key": field["template_key"],
                    "label": field["label"],
                    "value": values[field["key"]],
                }
            )
    for key, value in submission.values:
        if key not in fields:
            result.append({"key": key, "value": value})
    return result


def template_repr(template: FormTemplate, site: Site, base: str) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "active": template.active,
        "fields": template.fields,
        "mappings": template.mappings,
        "created": timestamp(template.created, site.timezone),
        "updated": timestamp(template.updated, site.timezone),
        "_links": {
            "self": link(base, f"/form/templates/{template.id}", "form-template"),
            "submissions": link(base, f"/form/templates/{template.id}/submissions"),
        },
    }


def submissions_repr(found: Submissions, hasher: SecretHasher, base: str) -> list[dict[str, Any]]:
    """The documents of submissions loaded with their games and authors."""
    template, site = found.template, found.member.site
    result = []
    for submission in found.rows:
        author = found.authors.get(submission.author_id) if submission.author_id else None
        token = webview_token(hasher, submission.webview_salt)
        body: dict[str, Any] = {
            "id": submission.id,
            "author_name": f"{author.first_name} {author.last_name}" if author else "",
            **summary(template, submission),
            "attachments": attachments(template, submission),
            "created": timestamp(submission.created, site.timezone),
            "updated": timestamp(submission.updated, site.timezone),
            "_links": {
                "self": link(base, f"/form/submissions/{submission.id}", "form-submission"),
                "game_report_webview": {"href": f"{base}/webview/submissions/{token}"},
                "template": link(base, f"/form/templates/{template.id}", "form-template"),
            },
        }
        embedded: dict[str, Any] = {"values": ordered_values(template, submission)}
        game = found.games.get(submission.game_id) if submission.game_id else None
        if game is not None and found.bundle is not None:
            embedded = {"game": game_summary(game, found.bundle, base), **embedded}
        body["_embedded"] = embedded
        result.append(body)
    return result


def webview_page(template: FormTemplate, submission: FormSubmission, home: str) -> str:
    """The unauthenticated HTML rendering of one submission; ``home`` is the site's base."""
    rows = "".join(
        f"<tr><th>{html.escape(str(v.get('label', v['key'])))}</th>"
        f"<td>{html.escape(v['value'])}</td></tr>"
        for v in ordered_values(template, submission)
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(template.name)}</title></head><body><h1>"
        f"{html.escape(template.name)}</h1><table>{rows}</table>"
        f"<p><a href='{html.escape(home)}'>refdesk</a>"
        f"</p></body></html>"
    )
