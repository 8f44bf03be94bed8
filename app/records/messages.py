"""Messages to patients and staff: queued in a request, sent by the job queue's worker.

A ``Message`` row is written (and audited) in the request, and a job sends it. The text
is made when it is sent, from the template (``app/content/messages.yaml``) and four
values: the clinic's name and phone, the visit and a link. An invitation's link is made
at that moment too, so no usable link ever waits in the queue or the database. A failed
try keeps its reason on the row and is retried; after the last try the row says
"failed" and staff see why.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from sqlalchemy import select

from ..engine.messages import MessageTemplate, fill, load_templates
from ..engine.wording import _
from ..platform import jobs
from ..platform.extensions import db
from ..platform.messaging import MessageError, Outgoing, deliver
from . import audit
from .clinic_details import current as clinic
from .clock import clinic_zone
from .invitations import issue_invitation
from .models import MESSAGE_CHANNELS, Message, Patient, User, utcnow

TEMPLATES_FILE = Path(__file__).resolve().parents[1] / "content" / "messages.yaml"
CHANNEL_NAMES = {"sms": "SMS", "whatsapp": "WhatsApp", "email": "email", "letter": "letter"}
TEMPLATE_NAMES = {
    "invitation": "Invitation",
    "reminder": "Reminder",
    "reopened": "Questionnaire reopened",
    "urgent_notice": "Urgent notice",
    "urgent_escalation": "Urgent notice, escalated",
    "diary": "Trial diary",
}
log = logging.getLogger(__name__)


class NoAddress(ValueError):
    """The patient has no phone or email for the channel asked for."""


@cache
def templates() -> dict[str, MessageTemplate]:
    return load_templates(TEMPLATES_FILE)


def init_app(app) -> None:
    """Read the message texts and the quiet hours at start-up: a mistake in either stops
    the app with its reason, not a message in the night."""
    templates()
    quiet = app.config.get("MESSAGE_QUIET_HOURS") or ""
    if quiet.strip() and not re.fullmatch(r"\s*([01]?\d|2[0-3])-([01]?\d|2[0-4])\s*", quiet):
        raise RuntimeError(
            f"MESSAGE_QUIET_HOURS {quiet!r} is not hours such as '21-8' (from 21:00 to 08:00)"
        )


def default_channel(phone: str | None, email: str | None) -> str:
    """SMS when there is a phone, else email, else a printed letter."""
    return "sms" if phone else "email" if email else "letter"


SENT_CHANNELS = ("sms", "whatsapp", "email")  # a letter is handed over, never sent


def can_reach(patient: Patient) -> bool:
    """Whether the patient's channel sends, and the patient has its address."""
    return patient.channel in SENT_CHANNELS and bool(address(patient, patient.channel))


def address(patient: Patient, channel: str) -> str | None:
    if channel in ("sms", "whatsapp"):
        return patient.phone
    if channel == "email":
        return patient.email
    return None


def quiet_until(moment: datetime, quiet: str, zone) -> datetime | None:
    """When a message queued at ``moment`` may go out, if ``quiet`` ("21-8": from 21:00 to
    08:00 on the clinic's clock) holds it back; None when it may go now."""
    if not quiet or not quiet.strip():
        return None
    start, end = (int(part) for part in quiet.split("-"))
    local = moment.astimezone(zone)
    hour = local.hour
    inside = start <= hour or hour < end if start > end else start <= hour < end
    if not inside:
        return None
    day = local.date() + timedelta(days=1) if start > end and hour >= start else local.date()
    return datetime.combine(day, time(end), zone).astimezone(UTC)


def queue(
    patient: Patient | None,
    template: str,
    channel: str,
    to: str | None = None,
    by: User | None = None,
    for_day: date | None = None,
) -> Message:
    """Write the message and queue its sending; the caller's transaction is committed.

    Messages to patients wait out the quiet hours; notices to staff never wait.
    """
    if channel not in MESSAGE_CHANNELS or channel == "letter":
        raise NoAddress(f"{channel} is not sent")
    to = to or (address(patient, channel) if patient else None)
    if not to:
        raise NoAddress(f"no {CHANNEL_NAMES[channel]} address")
    send_after = None
    if templates()[template].audience == "patient":
        send_after = quiet_until(utcnow(), current_app.config["MESSAGE_QUIET_HOURS"], clinic_zone())
    message = Message(
        patient=patient,
        template=template,
        channel=channel,
        to=to,
        for_day=for_day,
        send_after=send_after,
        created_by_id=by.id if by else None,
    )
    db.session.add(message)
    db.session.flush()
    audit.record("message.queue", patient=patient, actor=by, **_detail(message), state="queued")
    db.session.commit()
    try:
        jobs.enqueue("send_message", at=send_after, message_id=message.id)
    except jobs.JobError as exc:
        _record_failure(message.id, str(exc), final=True)
    return message


def _detail(message: Message) -> dict[str, str]:
    return {"to": message.to, "channel": message.channel, "template": message.template}


def _visit(patient: Patient | None, language: str | None) -> str:
    """ "your visit on Fri 15 Jan 2027" in the patient's language."""
    when = patient.visit_date if patient else None
    with force_locale(language or "en"):
        if when is None:
            return _("your visit")
        if language and language != "en":
            on = format_date(when, "EEE d MMMM y")
        else:
            on = f"{when:%a} {when.day} {when:%b %Y}"
        return _("your visit on %(when)s", when=on)


def _template(template_id: str, language: str | None) -> MessageTemplate:
    """The template in the patient's language when that language is offered whole."""
    # Imported here: the translations are checked against these very templates.
    from . import translations

    return translations.template(template_id, language)


def _link(message: Message, language: str | None) -> str:
    """The patient's way in: a fresh invitation until they have an account, then the
    login page; the diary's own link during a trial; for staff, the patient's page.

    The login page knows no patient, so its link names the language the message is in
    (``language``, None for English). An invitation's and a diary's pages read it from
    the patient's record."""
    patient = message.patient
    if templates()[message.template].audience == "staff":
        return external_url("clinic.summary", patient_id=patient.id)
    if message.template == "diary":
        from . import trials  # which imports this module to send the diary's message

        return trials.diary_url(trials.newest(patient))
    if patient.user is None:
        return issue_invitation(patient)
    if language:
        return external_url("auth.login", lang=language)
    return external_url("auth.login")


def external_url(endpoint: str, **values) -> str:
    """A full address on BASE_URL, also from a worker, where there is no request."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def outgoing(message: Message) -> Outgoing:
    """The message as it leaves: text from the template and the four values only."""
    patient = message.patient
    english = templates()[message.template]
    language = patient.language if patient and english.audience == "patient" else None
    template = _template(message.template, language)
    profile = clinic()
    values = {
        "clinic": profile.name,
        "clinic_phone": profile.phone,
        "visit": _visit(patient, language),
        # In the patient's language only when the text is: else English, as the text is.
        "link": _link(message, language if template is not english else None),
    }
    return Outgoing(
        to=message.to,
        channel=message.channel,
        template=message.template,
        subject=fill(template.subject, values),
        text=fill(template.text, values),
        link=values["link"],
        whatsapp_template=template.whatsapp_template,
        whatsapp_parameters=tuple(values[p] for p in template.whatsapp_parameters),
        language=language,
    )


def outgoing_code(to: str, channel: str, code: str, language: str | None = None) -> Outgoing:
    """A one-time code to choose a new password, by text; never kept as a Message row."""
    template = _template("reset_code", language)
    values = {"clinic": clinic().name, "code": code}
    return Outgoing(
        to=to,
        channel=channel,
        template=template.id,
        subject=fill(template.subject, values),
        text=fill(template.text, values),
        link="",
        whatsapp_template=template.whatsapp_template,
        whatsapp_parameters=tuple(values[p] for p in template.whatsapp_parameters),
        language=language,
    )


@jobs.job("send_message")
def send(message_id: int) -> None:
    """Send one queued message. A failure is written down and raised, so the queue tries
    again; after the last try the message is marked failed and nothing is raised."""
    message = db.session.get(Message, message_id)
    if message is None or message.state != "queued":
        return
    try:
        deliver(outgoing(message))
    except MessageError as exc:
        db.session.rollback()  # a link made for this try is not kept
        if _record_failure(message_id, str(exc)):
            raise
        return
    message.attempts += 1
    message.state, message.sent_at, message.reason = "sent", utcnow(), None
    audit.record("message.sent", patient=message.patient, **_detail(message), state="sent")
    db.session.commit()


def _record_failure(message_id: int, reason: str, final: bool = False) -> bool:
    """Write down a failed try; True while the queue will try again."""
    message = db.session.get(Message, message_id)
    message.attempts += 1
    message.reason = reason[:200]
    retrying = not final and message.attempts <= current_app.config["JOB_RETRIES"]
    if not retrying:
        message.state = "failed"
        audit.record("message.failed", patient=message.patient, **_detail(message), state="failed")
        log.warning("message %s failed: %s", message.id, message.reason)
    db.session.commit()
    return retrying


def for_patient(patient: Patient) -> list[Message]:
    """The patient's messages, newest first."""
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.patient_id == patient.id)
            .order_by(Message.created_at.desc(), Message.id.desc())
        )
    )


def newest_invitations(patient_ids: list[int]) -> dict[int, Message]:
    """Each of these patients' newest invitation message, by patient id; one query."""
    newest: dict[int, Message] = {}
    for message in db.session.scalars(
        select(Message)
        .where(Message.patient_id.in_(patient_ids), Message.template == "invitation")
        .order_by(Message.id)
    ):
        newest[message.patient_id] = message
    return newest


def tell_patient(patient: Patient, template: str, by: User | None = None) -> Message | None:
    """Queue a message to the patient by their channel, when it can reach them (a patient
    reached by letter, or without the address, is told by the clinic instead)."""
    if not can_reach(patient):
        return None
    return queue(patient, template, patient.channel, by=by)


def newest_invitation_state(patient_id):
    """The state of the newest invitation to ``patient_id`` (a column of an outer query):
    read with the worklist's rows, not in a query of its own."""
    return (
        select(Message.state)
        .where(Message.patient_id == patient_id, Message.template == "invitation")
        .order_by(Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
