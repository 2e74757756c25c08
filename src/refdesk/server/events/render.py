"""Rendering e-mail from the Jinja2 templates in ``events/templates/``.

Each kind has ``<kind>.subject.txt``, ``<kind>.txt`` and ``<kind>.html``; the bodies may
extend ``base.txt`` / ``base.html`` (the layout and its footer: see their header comments)
and see the rendered subject as ``mail_subject``. Text templates are not escaped; HTML ones
are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("refdesk.server.events", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(kind: str, context: dict[str, Any]) -> RenderedMail:
    env = environment()
    subject = " ".join(env.get_template(f"{kind}.subject.txt").render(context).split())
    # The bodies also get the rendered subject (base.html's <title>).
    context = {**context, "mail_subject": subject}
    text = env.get_template(f"{kind}.txt").render(context)
    try:
        html_template = env.get_template(f"{kind}.html")
    except TemplateNotFound:  # a kind without an HTML body is plain text only
        html = None
    else:
        html = html_template.render(context)
    return RenderedMail(subject, text, html)
