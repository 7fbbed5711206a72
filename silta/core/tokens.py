"""Random link tokens and how they are stored. A link (registration, invitation, survey
answer) carries a random token; the database keeps only its SHA-256, so a copy of the
database gives no working links."""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    # "replace": a forged link with unpaired surrogates finds nothing instead of failing.
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def secret_keys() -> list[str]:
    """The site's keys for links derived with an HMAC: SECRET_KEY first, then the old keys of
    SECRET_KEY_FALLBACKS, so that a link mailed before the key was replaced still works."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def stored_derivation(derive: Callable[[str], str], stored_hash: str) -> str | None:
    """The link value `derive(key)` whose hash is `stored_hash`, trying each site key
    (secret_keys()) in turn, each compared in constant time; None when none gives it (the
    key it was made with was replaced without a fallback)."""
    for key in secret_keys():
        value = derive(key)
        if hmac.compare_digest(hash_token(value), stored_hash):
            return value
    return None
