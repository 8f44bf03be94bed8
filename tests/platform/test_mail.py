"""The SMTP backend against a real SMTP conversation on a local port: the message arrives
as sent, and a server that refuses it is a MailError, never a crash."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes

import pytest

from app import create_app
from app.platform import mail


class Conversation(socketserver.StreamRequestHandler):
    """Enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server = self.server
        self.reply("220 test.local ESMTP")
        envelope: dict = {"to": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test.local")
            elif verb == "MAIL":
                envelope["from"] = command
                self.reply("250 OK")
            elif verb == "RCPT":
                if server.refuse:
                    self.reply("550 No such user here")
                    continue
                envelope["to"].append(command)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                server.received.append((envelope, message_from_bytes(body)))
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Conversation)
    server.received, server.refuse = [], False
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def smtp_app(tmp_path, server):
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.server_address[1],
        MAIL_USE_TLS=False,
        MAIL_FROM="clinic@example.org",
    )


def test_the_smtp_backend_hands_the_message_to_the_mail_server(tmp_path, smtp_server):
    app = smtp_app(tmp_path, smtp_server)
    with app.app_context():
        mail.send("patient@example.org", "Set a new password", "Open this link:\nhttps://x/y\n")
    [(envelope, message)] = smtp_server.received
    assert "patient@example.org" in envelope["to"][0]
    assert message["From"] == "clinic@example.org"
    assert message["Subject"] == "Set a new password"
    assert "https://x/y" in message.get_payload()


def test_a_mail_server_that_refuses_is_a_mail_error(tmp_path, smtp_server):
    smtp_server.refuse = True
    app = smtp_app(tmp_path, smtp_server)
    with app.app_context(), pytest.raises(mail.MailError, match="refused"):
        mail.send("nobody@example.org", "Hello", "Body")
    assert smtp_server.received == []


def test_no_mail_server_at_all_is_a_mail_error(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'n.db'}",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=1,
        MAIL_USE_TLS=False,
    )
    with app.app_context(), pytest.raises(mail.MailError, match="ConnectionRefusedError"):
        mail.send("patient@example.org", "Hello", "Body")
