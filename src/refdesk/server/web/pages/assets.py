"""``/static/{name}``: the web app's CSS and JS, served from the package (``web/static/``).

Only the files shipped in that directory are served, by exact name; the names carry the
vendored version (``htmx-2.0.4.min.js``), so a long cache lifetime is safe.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.web.render import HEADERS, render

router = APIRouter(include_in_schema=False)
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=1)
def assets() -> dict[str, tuple[bytes, str]]:
    """Every servable file of ``static/``: name -> (content, media type)."""
    found: dict[str, tuple[bytes, str]] = {}
    for entry in files("refdesk.server.web").joinpath("static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in TYPES:
            found[entry.name] = (entry.read_bytes(), TYPES[suffix])
    return found


@router.get("/static/{name}")
async def asset(name: str) -> Response:
    """One vendored or own static file; anything else is the 404 page."""
    found = assets().get(name)
    if found is None:
        return render("error.html", {"title": "Not found", "message": "No such file."}, status=404)
    content, media_type = found
    headers = {
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": HEADERS["Content-Security-Policy"],
    }
    return Response(content, 200, headers, media_type)
