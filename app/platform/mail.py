"""Sending email: password reset links, and news of an urgent answer to the responder.

Three backends, chosen by ``MAIL_BACKEND``: ``smtp`` (the standard library's smtplib,
with STARTTLS unless ``MAIL_USE_TLS`` is off), ``console`` (development: the message is
printed to standard output, never to the log, since it can hold a link), and ``memory``
(tests: messages collect in ``outbox()``). With no backend configured nothing is sent
and ``can_send()`` says so, so a page never claims an email went out when none did.
"""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def backend() -> str | None:
    return current_app.config.get("MAIL_BACKEND") or None


def can_send() -> bool:
    return backend() in {"smtp", "console", "memory"}


def outbox() -> list[EmailMessage]:
    """Messages "sent" with the memory backend, oldest first."""
    return current_app.extensions.setdefault("outbox", [])


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    # A subject is one line: a line break in it (from a name, say) would start a header.
    message["Subject"] = " ".join(subject.split())
    message.set_content(body)
    kind = backend()
    if kind == "memory":
        outbox().append(message)
    elif kind == "console":
        print(f"----- email (console backend) -----\n{message}\n-----", file=sys.stdout)
    elif kind == "smtp":
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"the mail server refused the message: {type(exc).__name__}") from exc
    else:
        raise MailError("no mail backend is configured (MAIL_SERVER)")
