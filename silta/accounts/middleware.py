"""The language of a signed-in person's pages."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Signed in and never pressed a language button: pages in the person's own language.

    The language buttons store their choice in a cookie, which wins (decision 0004); without
    it the browser's Accept-Language would decide, and an English-language browser on a
    municipal laptop would turn a Finnish-speaking liaison's pages into English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        own = getattr(user, "language", "") if user and user.is_authenticated else ""
        if own and not chosen and own in dict(settings.LANGUAGES):
            translation.activate(own)
            request.LANGUAGE_CODE = own
        return self.get_response(request)
