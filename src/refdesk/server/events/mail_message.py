"""The e-mail a ``MailJob`` becomes: its headers, its parts and the exact bytes sent.

The bytes are built once per attempt from the job row alone (no clock, no randomness), so an
SMTP retry and the ``.eml`` fallback carry the same message, ``Message-ID`` included: a
receiving server that saw a first attempt whose reply was lost can recognise the repeat.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.charset import QP, Charset
from email.errors import MessageError
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, parseaddr

from refdesk.server.events.models import MailJob

# Kinds written by a person (a site's message to its users): no Auto-Submitted header, so
# vacation responders may answer them like any mail. Everything else refdesk writes itself.
PERSONAL_KINDS = frozenset({"message"})
# CRLF line ends: what goes on the wire (see build_message for why compat32).
WIRE = policy.compat32.clone(linesep="\r\n")
# UTF-8 bodies as quoted-printable: readable in the raw .eml file, 7-bit on the wire.
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP


class UnsendableMail(ValueError):
    """The job cannot become a valid message (an address that is not one): no retry helps."""


class BadSender(RuntimeError):
    """``mail_from`` names no address: the operator's to fix, so jobs wait and retry."""


@dataclass(frozen=True)
class OutgoingMail:
    """What a worker needs to send one job, read from the row in the claiming transaction
    (the row itself stays with that session)."""

    job_id: int
    kind: str
    created: datetime
    to_address: str
    subject: str
    # The bodies carry capability links (respond, invitation): never in a repr or a log.
    text_body: str = field(repr=False)
    html_body: str | None = field(repr=False)
    message_id: int | None
    attempts: int  # this one included (counted when claimed)
    # A site message's sender (messages/mail.reply_address); None for everything else.
    reply_to: str | None = None

    @classmethod
    def of(cls, job: MailJob) -> OutgoingMail:
        return cls(
            job_id=job.id,
            kind=job.kind,
            created=job.created,
            to_address=job.to_address,
            subject=job.subject,
            text_body=job.text_body,
            html_body=job.html_body,
            message_id=job.message_id,
            attempts=job.attempts,
        )

    @property
    def file_name(self) -> str:
        """``<created>-<id>-<kind>.eml``: sorts by time; unique by id."""
        return f"{_utc(self.created):%Y%m%dT%H%M%SZ}-{self.job_id}-{self.kind}.eml"


@dataclass(frozen=True)
class Envelope:
    """SMTP's envelope and the message bytes."""

    sender: str
    recipient: str
    data: bytes = field(repr=False)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sender_address(mail_from: str) -> str:
    """The bare address of ``mail_from`` (``"refdesk <a@b>"`` → ``a@b``)."""
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        raise BadSender("mail_from has no e-mail address")
    return address


def message_id_header(mail: OutgoingMail, mail_from: str) -> str:
    """Stable across attempts; the domain is the sender's, never the host's name (no DNS)."""
    domain = sender_address(mail_from).rpartition("@")[2]
    stamp = f"{_utc(mail.created):%Y%m%d%H%M%S%f}"
    return f"<refdesk.{stamp}.{mail.job_id}.{mail.kind}@{domain}>"


def build_message(mail: OutgoingMail, mail_from: str) -> Message:
    """``text/plain``, or ``multipart/alternative`` (text, then HTML) when there is HTML.

    Built with the ``compat32`` classes on purpose: the modern policy's header folding drops
    the space between two encoded words of a long non-ASCII subject; ``Header`` does not.
    """
    text = _text_part(mail.text_body, "plain")
    message: Message
    if mail.html_body:
        # A fixed boundary keeps every attempt byte-identical; "=_" never occurs in
        # quoted-printable text ("=" is written "=3D"), so it cannot collide with a part.
        boundary = f"=_refdesk-{mail.job_id}-{_utc(mail.created):%Y%m%d%H%M%S%f}"
        message = MIMEMultipart("alternative", boundary=boundary)
        message.attach(text)
        message.attach(_text_part(mail.html_body, "html"))
    else:
        message = text
    name = parseaddr(mail_from)[0]
    message["From"] = formataddr((name, sender_address(mail_from)), charset="utf-8")
    message["To"] = ascii_address(mail.to_address)
    # compat32 messages take Header objects (typeshed knows only str).
    message["Subject"] = _header(" ".join(mail.subject.split()), "Subject")  # type: ignore[assignment]
    message["Date"] = format_datetime(_utc(mail.created))
    message["Message-ID"] = message_id_header(mail, mail_from)
    # A sender's odd address must not stop the e-mail: replies then go to From.
    with suppress(UnsendableMail):
        if mail.reply_to:
            message["Reply-To"] = ascii_address(mail.reply_to)
    if mail.kind not in PERSONAL_KINDS:
        message["Auto-Submitted"] = "auto-generated"
    message["X-Refdesk-Kind"] = mail.kind
    return message


def _text_part(body: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, UTF8)
    return part


def _header(value: str, name: str) -> Header:
    return Header(value, "us-ascii" if value.isascii() else "utf-8", header_name=name)


def ascii_address(address: str) -> str:
    """``address`` as plain SMTP can carry it: the domain in IDNA (``bü.org`` →
    ``xn--b-hha.org``); a non-ASCII local part (SMTPUTF8 only) or no address at all is
    :class:`UnsendableMail`."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or not local.isascii():
        raise UnsendableMail("invalid recipient address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        Address(addr_spec=f"{local}@{ascii_domain}")
    except (UnicodeError, ValueError, IndexError, MessageError):
        raise UnsendableMail("invalid recipient address") from None
    return f"{local}@{ascii_domain}"


def envelope(mail: OutgoingMail, mail_from: str) -> Envelope:
    """The envelope and the exact bytes that go over SMTP or into the ``.eml`` file."""
    data = build_message(mail, mail_from).as_bytes(policy=WIRE)
    return Envelope(sender_address(mail_from), ascii_address(mail.to_address), data)
