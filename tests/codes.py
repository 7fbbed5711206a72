"""Reading pages and emailed codes in the sign-in and reauthentication tests."""

import html
import re


def page(response) -> str:
    return html.unescape(response.content.decode())


def code_in(message) -> str:
    """allauth's code, e.g. 'K7PX-2MRA', from a message's text."""
    match = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", message.body)
    assert match, message.body
    return match.group(0)
