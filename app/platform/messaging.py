"""Handing a message to whoever delivers it: SMS and WhatsApp backends, email by SMTP.

``MESSAGE_BACKEND`` chooses how texts (SMS, WhatsApp) leave:

- ``console`` (development): printed to standard output, never to the log (a link is
  a credential);
- ``memory`` (tests): collected in ``sent()``;
- ``webhook``: POSTed as JSON to ``MESSAGE_WEBHOOK_URL``, signed with HMAC-SHA256 of the
  body in ``X-Signature`` (key ``MESSAGE_WEBHOOK_SECRET``), so a clinic connects any SMS
  or WhatsApp provider through a small relay of its own;
- ``whatsapp``: WhatsApp messages go to the WhatsApp Business Cloud API as template
  messages (``/{phone-number-id}/messages``, bearer token); it sends no SMS.

Email goes through ``platform.mail`` whatever the backend. Any failure raises
``MessageError`` with a reason short enough to show staff; the job queue retries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field

from flask import current_app

from . import mail

TIMEOUT_SECONDS = 10
WEBHOOK_FIELDS = ("to", "channel", "template", "text", "link")


class MessageError(RuntimeError):
    """The message was not accepted for delivery; the reason is safe to show staff."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: str  # E.164 for SMS and WhatsApp, an address for email
    channel: str
    template: str
    subject: str
    text: str
    link: str
    whatsapp_template: str | None = None
    whatsapp_parameters: tuple[str, ...] = field(default=())
    # The language the text is in ("hi"); None: English. WhatsApp picks the template's
    # approved translation by it.
    language: str | None = None


def can_send_texts() -> bool:
    """Whether SMS or WhatsApp messages can leave (development prints them)."""
    return current_app.config.get("MESSAGE_BACKEND") in {"console", "memory", "webhook", "whatsapp"}


def sent() -> list[Outgoing]:
    """Texts "sent" with the memory backend, oldest first."""
    return current_app.extensions.setdefault("message_outbox", [])


def deliver(message: Outgoing) -> None:
    """Hand ``message`` over; returns when it was accepted, raises MessageError if not."""
    if message.channel == "email":
        try:
            mail.send(message.to, message.subject, message.text)
        except mail.MailError as exc:
            raise MessageError(str(exc)) from exc
        return
    backend = current_app.config.get("MESSAGE_BACKEND") or "none"
    if backend == "memory":
        sent().append(message)
    elif backend == "console":
        print(f"----- {message.channel} to {message.to} -----\n{message.text}\n-----")
        sys.stdout.flush()
    elif backend == "webhook":
        _webhook(message)
    elif backend == "whatsapp" and message.channel == "whatsapp":
        _whatsapp(message)
    else:
        raise MessageError(f"no backend sends {message.channel} (MESSAGE_BACKEND={backend})")


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhook(message: Outgoing) -> None:
    config = current_app.config
    payload = {k: v for k, v in asdict(message).items() if k in WEBHOOK_FIELDS}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Signature": "sha256=" + signature(body, config["MESSAGE_WEBHOOK_SECRET"] or ""),
    }
    _post(config["MESSAGE_WEBHOOK_URL"], body, headers)


def _whatsapp_language(message: Outgoing, config) -> str:
    """English as the clinic's templates were approved (``WHATSAPP_LANGUAGE``, such as
    "en" or "en_US"); another language by its own code ("hi")."""
    if message.language and message.language != "en":
        return message.language
    return config["WHATSAPP_LANGUAGE"]


def whatsapp_body(message: Outgoing, language: str = "en") -> dict:
    """A template message as the Cloud API takes it: the number without "+", and the
    template's body parameters in order."""
    parameters = [{"type": "text", "text": p} for p in message.whatsapp_parameters]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.to.lstrip("+"),
        "type": "template",
        "template": {
            "name": message.whatsapp_template,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": parameters}],
        },
    }


def _whatsapp(message: Outgoing) -> None:
    config = current_app.config
    if not message.whatsapp_template:
        raise MessageError(f"the {message.template} message has no WhatsApp template")
    url = f"{config['WHATSAPP_API_URL'].rstrip('/')}/{config['WHATSAPP_PHONE_NUMBER_ID']}/messages"
    body = json.dumps(
        whatsapp_body(message, _whatsapp_language(message, config)), ensure_ascii=False
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {config['WHATSAPP_TOKEN']}",
    }
    _post(url, body, headers)


def _post(url: str | None, body: bytes, headers: dict[str, str]) -> None:
    if not url or not url.startswith(("http://", "https://")):
        raise MessageError("the message backend's address is not set")
    # Only http(s) addresses reach urllib (checked above): no file:// or ftp://.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310  # nosec B310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            response.read()
    except urllib.error.HTTPError as exc:
        raise MessageError(f"the provider answered {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise MessageError(f"the provider could not be reached: {type(exc).__name__}") from exc
