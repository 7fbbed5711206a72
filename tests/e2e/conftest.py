"""Browser tests: Debian's Chromium driven by Playwright, a real SMTP server, a live Silta.

Playwright never downloads a browser here; it drives /usr/bin/chromium. The live server runs
in a thread of this process, so `settings` overrides (mail, tasks) apply to it too.
"""

import email
import email.policy
import logging
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in the main thread; the ORM calls the
# tests make beside it (fixtures, force_login) are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} puuttuu: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(locale="fi-FI", base_url=live_server.url, viewport=DESKTOP)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def console(page):
    """Everything the page writes to the console, and uncaught errors, as text lines."""
    lines: list[str] = []
    page.on("console", lambda msg: lines.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: lines.append(f"pageerror: {exc}"))
    return lines


@pytest.fixture
def sign_in(context, live_server):
    """sign_in(user) puts a signed-in session into the browser, as if they had logged in."""
    from django.conf import settings
    from django.test import Client

    def _sign_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = settings.SESSION_COOKIE_NAME
        value = client.cookies[cookie].value
        context.add_cookies([{"name": cookie, "value": value, "url": live_server.url}])

    return _sign_in


def screenshot(page, name: str, full_page: bool = True) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@dataclass
class Mailbox:
    """What the SMTP server received, parsed with the email package."""

    port: int
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0):
        """The `count`th message to `address`, waiting a little for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"Ei viestiä osoitteeseen {address}; saapuneet: {self.messages}")


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def login_code_in(message) -> str:
    """allauth's code stands alone on its line, e.g. 'K7PX-2MRA'."""
    match = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", text_of(message), re.M)
    assert match, f"Ei koodia viestissä:\n{text_of(message)}"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Silta's default mailer points at it."""
    from aiosmtpd.controller import Controller

    box = Mailbox(port=_free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(
                envelope.original_content or envelope.content, policy=email.policy.default
            )
            with box.lock:
                box.messages.append(message)
            return "250 OK"

    # aiosmtpd logs every SMTP command at INFO; keep failure output about the test.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": box.port, "timeout": 10},
        }
    }
    yield box
    controller.stop()
