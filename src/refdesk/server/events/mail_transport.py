"""Where a message's bytes go: an SMTP server (``mail_host``) or an ``.eml`` file under
``<data dir>/mail/``. Blocking code, run in a worker thread; it never touches the database.

Every attempt ends in an :class:`Outcome`. A 5xx answer to the message itself (sender,
recipient, data) is permanent; anything else (4xx, no connection, TLS, login, a server that
hangs up) is temporary and retried on the §19.2 schedule. Error texts keep the server's reply
code and words, never the configured password.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from refdesk.server.config import Settings
from refdesk.server.events.mail_message import Envelope
from refdesk.server.files import PRIVATE_FILE, private_dir

log = logging.getLogger("refdesk.mail")

ERROR_LENGTH = 255


@dataclass(frozen=True)
class Outcome:
    """``sent``, ``not_configured`` (written to a file), ``retry`` (temporary) or ``failed``
    (permanent); ``error`` for the last two."""

    status: Literal["sent", "not_configured", "retry", "failed"]
    error: str | None = None
    # The connection is gone (or never came): the rest of the batch need not try again now.
    connection_lost: bool = False


SENT = Outcome("sent")
WRITTEN = Outcome("not_configured")


def _clip(text: str) -> str:
    return " ".join(text.split())[:ERROR_LENGTH]


def _words(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def _reply(code: int, message: bytes | str) -> Outcome:
    text = _clip(f"{code} {_words(message)}")
    return Outcome("failed" if 500 <= code <= 599 else "retry", text)


def _lost(error: str) -> Outcome:
    return Outcome("retry", _clip(error), connection_lost=True)


def describe(exc: BaseException) -> str:
    """A connection-level failure in words (the exception's own text is the OS's or the TLS
    library's; none of them quotes what was sent)."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"connection failed: {exc.strerror}"
    return f"connection failed: {type(exc).__name__}"


class SmtpTransport:
    """One SMTP connection for a batch of jobs, opened at the first message and reused."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        host, port, timeout = s.mail_host or "", s.mail_port, s.mail_timeout
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if s.mail_security == "tls":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            connection.ehlo()
            if s.mail_security == "starttls":
                # Never falls back to plain text: a server without STARTTLS is an error.
                connection.starttls(context=context)
                connection.ehlo()
            if s.mail_user:
                password = s.mail_password.get_secret_value() if s.mail_password else ""
                connection.login(s.mail_user, password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, envelope: Envelope) -> Outcome:
        try:
            if self._connection is None:
                self._connection = self._open()
            self._connection.sendmail(envelope.sender, [envelope.recipient], envelope.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()), (451, b"recipient refused"))
            return _reply(code, message)
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            # Not the server's words: some quote back what they were given.
            return _lost(f"SMTP login refused ({exc.smtp_code})")
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
            self.close()
            return _lost(f"connection refused: {exc.smtp_code} {_words(exc.smtp_error)}")
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return _reply(exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPNotSupportedError as exc:
            self.close()
            return _lost(f"the mail server does not offer {exc}")
        except smtplib.SMTPServerDisconnected:
            self.close()
            return _lost("the mail server closed the connection")
        except smtplib.SMTPResponseException as exc:
            self.close()
            return _lost(f"{exc.smtp_code} {_words(exc.smtp_error)}")
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return _lost(describe(exc))
        except UnicodeError:
            # smtplib sends commands and AUTH in ASCII. The codec's message quotes the
            # character it could not encode: a piece of the password, so not repeated here.
            self.close()
            return _lost("the mail user, password or sender address is not ASCII")
        return SENT

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def write_eml(settings: Settings, name: str, data: bytes) -> Outcome:
    """``<data dir>/mail/<name>``, 0600 in a 0700 directory, written whole or not at all
    (a temporary file renamed into place)."""
    try:
        private_dir(settings.data_dir)
        folder = private_dir(settings.mail_dir)
        _write_private(folder / name, data)
    except OSError as exc:
        return Outcome("retry", _clip(f"cannot write {name}: {exc.strerror or exc}"))
    return WRITTEN


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)  # an older leftover may have had another mode
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    os.replace(tmp, path)
