"""Reauthentication by emailed code (django-allauth 65.22). Most Silta users have no password,
so before adding an authenticator (TOTP) or new recovery codes they confirm it is them with a
code sent to their own verified address, in their own language. A session taken over by
someone else cannot add an authenticator and lock the person out.

Mail is sent after the commit by a task, so POSTs that send mail run inside
`django_capture_on_commit_callbacks(execute=True)`.
"""

from urllib.parse import quote

import pytest
from django.core import mail

from silta.core.models import OutgoingEmail

from .codes import code_in, page
from .factories import UserFactory

TOTP = "/tili/2fa/totp/activate/"
RECOVERY = "/tili/2fa/recovery-codes/generate/"
REQUEST = "/tili/reauthenticate/code/"
CONFIRM = "/tili/reauthenticate/code/confirm/"


@pytest.fixture
def liaison(client, places):
    user = UserFactory(email="yhdyshenkilo@oulu.example.fi", language="fi")
    client.force_login(user)  # signed in earlier: no recent authentication on record
    return user


def _ask_for_code(
    client, post, user, target, button="Pyydä koodi", label="Lähetä koodi osoitteeseen"
):
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{REQUEST}?next={quote(target, safe='')}"
    asking = client.get(response["Location"])
    assert asking.status_code == 200
    assert button in page(asking) and label in page(asking)  # in the person's language
    assert "Recipient" not in page(asking)
    assert user.email in page(asking)  # the only place the code may go
    sent = post(response["Location"], {"recipient": user.email})
    assert sent.status_code == 302
    assert sent["Location"] == f"{CONFIRM}?next={quote(target, safe='')}"
    return sent["Location"]


def test_adding_an_authenticator_needs_a_code_from_the_persons_own_address(client, post, liaison):
    confirm = _ask_for_code(client, post, liaison, TOTP)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [liaison.email]
    assert message.subject == "Silta: Sisäänkirjautumiskoodi"
    stored = OutgoingEmail.objects.get()
    assert stored.sensitive  # the code is not kept readable after sending
    assert code_in(message) not in stored.body_text + stored.body_html

    done = client.post(confirm, {"code": code_in(message)})
    assert done.status_code == 302 and done["Location"] == TOTP
    opened = client.get(TOTP)
    assert opened.status_code == 200
    assert "otpauth://" in page(opened) or "svg" in page(opened)  # the QR code to scan
    # Reauthenticated once: recovery codes open too, without another code.
    assert client.get(RECOVERY).status_code == 200


def test_the_code_comes_in_the_persons_own_language(client, post, places):
    user = UserFactory(email="svensk@example.fi", language="sv")
    client.force_login(user)
    _ask_for_code(client, post, user, TOTP, button="Begär kod", label="Skicka koden till")
    assert mail.outbox[0].subject == "Silta: Inloggningskod"
    assert OutgoingEmail.objects.get().language == "sv"


def test_a_wrong_code_is_refused_in_finnish_and_the_authenticator_stays_closed(
    client, post, liaison
):
    confirm = _ask_for_code(client, post, liaison, TOTP)
    wrong = client.post(confirm, {"code": "AAAA-AAAA"})
    assert wrong.status_code == 200
    assert "Virheellinen koodi." in page(wrong)
    assert client.get(TOTP).status_code == 302  # still asks for a code


def test_a_forged_recipient_gets_no_code(client, post, liaison):
    """The code goes only to the person's own verified address, never to one in the form."""
    response = post(REQUEST, {"recipient": "hyokkaaja@example.com"})
    assert response.status_code == 200  # the form again, with an error
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()
    assert client.get(TOTP).status_code == 302


def test_the_confirm_page_without_a_code_requested_asks_for_one(client, liaison):
    response = client.get(CONFIRM)
    assert response.status_code == 302 and response["Location"] == REQUEST
