"""Invitations through many channels (seed 004 step 3): the texts for the municipality's
website, its social media, the associations' shared group and the municipal bulletin, and a
printable poster with a QR code. For the event's organisers only, as the planning page.

The poster is one PDF per language: ?kieli=sv gives the Swedish one for a bilingual
municipality (one file per language prints and shares more simply than a two-page PDF).
Cancelled, held and invitation-only events get no public texts or poster: the page says why."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from silta.core.params import text_param

from . import channels
from .views import _managed_event


def _not_available(request, message, status=404):
    return render(request, "404.html", {"message": message}, status=status)


def _language(request, event):
    """The language asked for with ?kieli=, the municipality's first by default; None when
    the event's municipality does not publish in it."""
    languages = channels.languages_for(event)
    if "kieli" not in request.GET:
        return languages[0]
    lang = text_param(request, "kieli", 5)
    return lang if lang in languages else None


@login_required
@require_GET
def channel_texts(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    reason = channels.unavailable_reason(event)
    context = {"event": event, "reason": reason}
    if reason is None:
        facts = channels.facts(event)
        items = channels.texts(facts)
        languages = channels.languages_for(event)
        context.update(
            {
                "facts": facts,
                "by_language": [
                    (lang, channels.LANGUAGE_NAMES[lang], [t for t in items if t.lang == lang])
                    for lang in languages
                ],
                "poster_languages": [(lang, channels.LANGUAGE_NAMES[lang]) for lang in languages],
                "bilingual": len(languages) > 1,
                "social_limit": channels.SOCIAL_LIMIT,
            }
        )
    return render(request, "events/channels.html", context)


@login_required
@require_GET
def channel_texts_txt(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    reason = channels.unavailable_reason(event)
    if reason:
        return _not_available(request, reason)
    items = channels.texts(channels.facts(event))
    channel = text_param(request, "kanava", 20)
    if channel:
        lang = _language(request, event)
        items = [t for t in items if t.channel == channel and t.lang == lang]
        if not items:
            return _not_available(request, _("Tällaista tekstiä ei ole."))
        filename = f"kutsu-{event.pk}-{items[0].slug}.txt"
    else:
        filename = f"kutsut-{event.pk}.txt"
    response = HttpResponse(channels.as_txt(items), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def poster(request, pk):
    from .poster import poster_pdf

    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    reason = channels.unavailable_reason(event)
    if reason:
        return _not_available(request, reason)
    lang = _language(request, event)
    if lang is None:
        return _not_available(request, _("Julistetta ei tehdä tällä kielellä."))
    data = poster_pdf(channels.facts(event), lang)
    response = HttpResponse(data, content_type="application/pdf")
    name = "juliste" if lang == "fi" else "affisch"
    response["Content-Disposition"] = f'inline; filename="{name}-{event.pk}.pdf"'
    return response
