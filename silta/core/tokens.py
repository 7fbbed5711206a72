"""Random link tokens and how they are stored. A link (registration, invitation, survey
answer) carries a random token; the database keeps only its SHA-256, so a copy of the
database gives no working links."""

import hashlib
import secrets


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    # "replace": a forged link with unpaired surrogates finds nothing instead of failing.
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
