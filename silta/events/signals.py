"""An invitation's delivery state follows its queued message: silta.core's send task marks
the message sent or failed, and the invitation mirrors it here."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from silta.core.models import OutgoingEmail

INVITATION_TEMPLATE = "event_invitation"


@receiver(post_save, sender=OutgoingEmail, dispatch_uid="events-invitation-delivery")
def mirror_delivery(sender, instance, created, **kwargs):
    if created or instance.template != INVITATION_TEMPLATE:
        return
    from .models import Invitation

    Invitation.objects.filter(message_id=instance.pk).update(
        status=instance.status, sent_at=instance.sent_at, error=instance.last_error[:2000]
    )
