"""Permission-matrix rows of an event's invitation texts, their .txt download and the poster:
the organisers only, as the planning page; a planned event stays hidden from everyone else."""

from django.urls import reverse

from ..events_factories import event, planned
from ..matrix import LOGIN, Row, _url, expect
from .events import MANAGE_PUBLISHED, PLANNED


def _published(name):
    return lambda w: reverse(name, args=[event(w.oulu).pk])


def _planned(name):
    return lambda w: reverse(name, args=[planned(w.oulu).pk])


def _association_event(name):
    return lambda w: reverse(name, args=[event(w.oulu_association).pk])


ROWS = []
for _name in ("events:channels", "events:channels_txt", "events:poster"):
    _id = _name.replace(":", "-")
    ROWS += [
        Row(_id, _name, _published(_name), MANAGE_PUBLISHED),
        Row(f"{_id}-planned", _name, _planned(_name), PLANNED),
        Row(f"{_id}-missing", _name, _url(_name, 999999), expect(LOGIN, 404)),
        Row(
            f"{_id}-association",
            _name,
            _association_event(_name),
            expect(LOGIN, 403, oulu_member=200, admin=200),
        ),
    ]
