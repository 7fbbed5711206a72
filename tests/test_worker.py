"""Mail really goes through the django-tasks-db queue and its worker, as in `make run`."""

import pytest
from django.core import mail
from django.core.management import call_command

from silta.core.mail import send_mail
from silta.core.models import OutgoingEmail


@pytest.mark.django_db(transaction=True)
def test_queued_mail_waits_for_the_worker_then_is_sent_once(settings, places, world):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    person = world.user("oulu_liaison")

    send_mail("erasure_requested", person, {"request": None})

    message = OutgoingEmail.objects.get(to=person.email)
    assert message.status == OutgoingEmail.Status.QUEUED
    assert mail.outbox == []  # nothing leaves before the worker runs

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    message.refresh_from_db()
    assert message.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [person.email]

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == 1
