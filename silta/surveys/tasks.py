"""Survey mail in the background: invitations and reminders (see services)."""

from django.tasks import task


@task()
def send_round_invitations(round_id: int) -> int:
    from .services import deliver_invitations

    return deliver_invitations(round_id)


@task()
def send_round_reminders(round_id: int) -> int:
    from .services import deliver_reminders

    return deliver_reminders(round_id)
