"""The small server-rendered HTML pages of ``/oauth/authorize``: login, consent, and the
out-of-band code display. Every interpolated value goes through ``html.escape``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

SCOPE_LABELS = {
    "read": "Read your sites, games, assignments and profile",
    "write": "Change data on your behalf (accept games, edit records)",
    "bank": "Read and change your bank account and W9 data",
}

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.error{color:#b00020}
code{font-size:1.1rem;word-break:break-all;background:#f3f3f3;padding:.3rem}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – refdesk</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )


def login_page(
    application_name: str,
    params: Mapping[str, str],
    csrf_token: str,
    action: str,
    *,
    error: str | None = None,
    login: str = "",
) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<h1>Sign in to refdesk</h1>"
        f"<p><strong>{escape(application_name)}</strong> wants to access your account.</p>"
        f"{message}"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden(params)}"
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        '<label for="login">Login or e-mail</label>'
        f'<input type="text" id="login" name="login" value="{escape(login)}" '
        'autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input type="password" id="password" name="password" '
        'autocomplete="current-password" required>'
        '<button type="submit">Sign in</button>'
        "</form>"
    )
    return _page("Sign in", body)


def consent_page(
    application_name: str,
    account_label: str,
    scopes: Iterable[str],
    params: Mapping[str, str],
    csrf_token: str,
    action: str,
) -> str:
    items = "".join(
        f"<li><strong>{escape(s)}</strong>: {escape(SCOPE_LABELS.get(s, s))}</li>" for s in scopes
    )
    body = (
        "<h1>Authorize application</h1>"
        f"<p>You are signed in as <strong>{escape(account_label)}</strong>.</p>"
        f"<p><strong>{escape(application_name)}</strong> asks for permission to:</p>"
        f"<ul>{items}</ul>"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden(params)}"
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        '<button type="submit" name="decision" value="approve">Approve</button>'
        '<button type="submit" name="decision" value="deny">Deny</button>'
        "</form>"
    )
    return _page("Authorize", body)


def code_page(application_name: str, code: str, state: str | None) -> str:
    state_line = f"<p>State: <code>{escape(state)}</code></p>" if state else ""
    body = (
        "<h1>Authorization code</h1>"
        f"<p>Copy this code into <strong>{escape(application_name)}</strong>. "
        "It can be used once, within a few minutes.</p>"
        f'<p><code id="code">{escape(code)}</code></p>'
        f"{state_line}"
    )
    return _page("Authorization code", body)


def set_password_page(
    account_login: str,
    action: str,
    token: str,
    *,
    error: str | None = None,
    heading: str = "Set your refdesk password",
) -> str:
    """The page of an invitation or password-reset link (``/invitations?token=...``,
    ``/password-reset/new?token=...``): the person chooses their password."""
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"<h1>{escape(heading)}</h1>"
        f"<p>You sign in as <strong>{escape(account_login)}</strong>. "
        "Choose a password of 8 to 128 characters.</p>"
        f"{message}"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden({'token': token})}"
        '<label for="password">New password</label>'
        '<input type="password" id="password" name="password" '
        'autocomplete="new-password" minlength="8" maxlength="128" required autofocus>'
        '<label for="password_confirmation">Repeat the password</label>'
        '<input type="password" id="password_confirmation" name="password_confirmation" '
        'autocomplete="new-password" minlength="8" maxlength="128" required>'
        '<button type="submit">Set password</button>'
        "</form>"
    )
    return _page(heading, body)


def password_set_page(account_login: str, *, signed_out: bool = False) -> str:
    elsewhere = " You are signed out everywhere else." if signed_out else ""
    body = (
        "<h1>Password set</h1>"
        f"<p>You can now sign in as <strong>{escape(account_login)}</strong> with your new "
        f"password. This link cannot be used again.{elsewhere}</p>"
    )
    return _page("Password set", body)


def reset_request_page(action: str, csrf_token: str, *, error: str | None = None) -> str:
    """``GET /password-reset``: the form asking for a login or e-mail address."""
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<h1>Reset your refdesk password</h1>"
        "<p>Enter your login or the e-mail address of your account. If it names an account, "
        "we e-mail a link to that account's address at which you choose a new password.</p>"
        f"{message}"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        '<label for="login">Login or e-mail</label>'
        '<input type="text" id="login" name="login" autocomplete="username" required autofocus>'
        '<button type="submit">Send the link</button>'
        "</form>"
    )
    return _page("Reset your password", body)


def reset_requested_page(expires: str) -> str:
    """The answer to every reset request, whether or not an account matched."""
    body = (
        "<h1>Check your e-mail</h1>"
        "<p>If the login or e-mail address you entered belongs to an account, we have sent a "
        "link to choose a new password to the account's e-mail address. "
        f"The link works once and expires in {escape(expires)}.</p>"
        "<p>Nothing arrived after a few minutes? Check your spam folder, or ask your assignor "
        "which address your account uses.</p>"
    )
    return _page("Check your e-mail", body)


def link_problem_page(title: str, message: str, retry_url: str, retry_label: str) -> str:
    """An invitation or reset link that cannot be used (unknown, used, expired): what to do."""
    body = (
        f"<h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p>"
        f'<p><a href="{escape(retry_url)}">{escape(retry_label)}</a></p>'
    )
    return _page(title, body)
