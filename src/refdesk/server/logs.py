"""No secrets in log lines: tokens, codes, passwords and client secrets are redacted from every
record (uvicorn's access and error logs, refdesk's own), whatever the client sent.

A client may put a token in the query string (``?access_token=...``, refused by the API but
still in the request line), post a form with ``client_secret=...`` to a URL, or cause an error
whose text or traceback quotes such values. :class:`RedactSecrets` rewrites the record before
any handler formats it; :func:`install_redaction` attaches it to uvicorn's and refdesk's
loggers and to the handlers already configured; :func:`logging_config` is the ``dictConfig``
``refdesk serve`` uses (uvicorn's, with the filter on both handlers and refdesk's loggers).
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

REDACTED = "REDACTED"
# A parameter is secret when one of the words of its name is one of these (``access_token``,
# ``client_secret``, ``code_verifier``, ``user[password]``, ``api-key``, ``X-Amz-Signature``...)
# or ends like one (``accesstoken``). OAuth's ``code``, ``state`` and ``assertion`` count too.
SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "code",
        "verifier",
        "assertion",
        "key",
        "apikey",
        "signature",
        "sig",
        "state",
        "nonce",
        "session",
        "sessionid",
        "credential",
        "credentials",
        "auth",
        "authorization",
        "otp",
    }
)
SECRET_ENDINGS = ("token", "secret", "password", "passwd", "apikey")
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "refdesk")

# name=value in a query string, a form body or free text; the value may be quoted.
_PAIR = re.compile(r"(?P<name>[A-Za-z0-9_.\[\]%-]+)=(?P<value>'[^']*'|\"[^\"]*\"|[^&\s\"'<>;,#)]*)")
# "name": "value" / 'name': 'value' (JSON documents, Python reprs in tracebacks).
_QUOTED = re.compile(
    r"(?P<q>[\"'])(?P<name>[A-Za-z0-9_.\[\]-]+)(?P=q)(?P<sep>\s*:\s*)"
    r"(?P<value>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')"
)
_SCHEME = re.compile(r"(?i)\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}")
# Paths whose last segment is a bearer secret (contract §2.1).
_PATH_TOKEN = re.compile(r"(?P<path>/webview/submissions/|/calendar/|/respond/)[^/?#\s\"']+")


# Text without one of these words ending a name before "=" or ":" (in lower case, percent-
# decoded) names no secret parameter: most log lines are done after this one search.
_HINT = re.compile(
    "(?:" + "|".join(sorted(SECRET_WORDS | set(SECRET_ENDINGS))) + r")[\w\[\]%.'\"-]*\s*[=:]"
)


@functools.lru_cache(maxsize=1024)
def is_secret_name(name: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", unquote(name).lower()) if w]
    return any(w in SECRET_WORDS or w.endswith(SECRET_ENDINGS) for w in words)


def _pair(match: re.Match[str]) -> str:
    if not is_secret_name(match["name"]) or not match["value"]:
        return match[0]
    return f"{match['name']}={REDACTED}"


def _quoted(match: re.Match[str]) -> str:
    if not is_secret_name(match["name"]):
        return match[0]
    quote = match["value"][0]
    return f"{match['q']}{match['name']}{match['q']}{match['sep']}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """``text`` with every secret value replaced by ``REDACTED``.

    Cheap substring checks first: this runs on every access-log line.
    """
    lower = text.lower()
    if "%" in lower:
        lower = unquote(lower)
    if ("=" in text or ":" in text) and _HINT.search(lower):
        if "=" in text:
            text = _PAIR.sub(_pair, text)
        if ":" in text:
            text = _QUOTED.sub(_quoted, text)
    if "bearer" in lower or "basic" in lower:
        text = _SCHEME.sub(lambda m: f"{m['scheme']} {REDACTED}", text)
    if "/webview/" in lower or "/calendar/" in lower or "/respond/" in lower:
        text = _PATH_TOKEN.sub(lambda m: f"{m['path']}{REDACTED}", text)
    return text


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, arguments and traceback text; never drops a record.

    Arguments are redacted one by one (uvicorn's access formatter unpacks them), then the
    message as a whole, since a secret may only show once they are put together.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_refdesk_redacted", False):
            return True
        record._refdesk_redacted = True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the formatter
            message = None
        if message is None or redact(message) != message:
            if isinstance(record.args, tuple):
                record.args = tuple(_redact_value(a) for a in record.args)
            elif isinstance(record.args, Mapping):
                record.args = {k: _redact_value(v) for k, v in record.args.items()}
            if message is not None:
                message = record.getMessage()
                clean = redact(message)
                if clean != message:  # the secret shows only once message and args are joined
                    record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _add_once(target: logging.Logger | logging.Handler, flt: logging.Filter) -> None:
    if not any(isinstance(f, RedactSecrets) for f in target.filters):
        target.addFilter(flt)


def install_redaction() -> None:
    """Attach the filter to uvicorn's and every ``refdesk.*`` logger, and to the handlers
    configured now (root's included), so that every record they see is redacted."""
    flt = RedactSecrets()
    names = set(LOGGERS) | {
        name
        for name in logging.root.manager.loggerDict
        if name == "refdesk" or name.startswith("refdesk.")
    }
    handlers: list[logging.Handler] = list(logging.root.handlers)
    for name in sorted(names):
        logger = logging.getLogger(name)
        _add_once(logger, flt)
        handlers.extend(logger.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        _add_once(handler, flt)


def logging_config() -> dict[str, Any]:
    """uvicorn's logging configuration plus redaction, with refdesk's loggers on its stderr
    handler at INFO (``refdesk serve`` applies it before it starts and in every worker)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": RedactSecrets}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["loggers"]["refdesk"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
