"""Importing a municipality's associations from CSV or XLSX (seed 003: registers).

Three steps, each usable alone:

1. `read_table(data, filename)` turns the file into a header and raw rows (Excel row numbers,
   cell values as read). A file it cannot read raises ImportFileError with a Finnish message.
2. `build_plan(table, municipality)` cleans and validates every row with the model's own
   validators and matches it to the register: rows to create, to update (with the changed
   fields), to skip, and errors (row, column, why). Nothing is written. The plan is plain
   JSON, kept in ImportJob.plan between the preview and the apply.
3. `apply_plan(plan, municipality, actor)` writes the creates and updates through the
   services and the audit log, one transaction per batch. Each row is matched and compared
   against the register again at that moment, so applying twice, or after someone else
   changed an entry, never duplicates and never overwrites blindly.

An empty cell never clears a value: it leaves what the register has. A bad row never stops
the good ones, and every row of the file appears in the plan.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.places.models import Municipality

from . import services
from .import_files import (  # noqa: F401 - the importer's public names live here too
    _CONTROL,
    COLUMNS,
    EXCEL_ERRORS,
    EXPORT_HEADERS,
    CellProblem,
    ImportFileError,
    RawRow,
    Table,
    _is_empty,
    column_letter,
    read_table,
)
from .models import Association, ContactPerson, Theme
from .validators import normalise_business_id, normalise_register_number

BATCH_SIZE = 100
SHOWN_VALUE_LENGTH = 120  # values kept in the plan of an error row, for the preview only

# What the preview calls each changed field.
FIELD_LABELS = {
    "name_fi": gettext_lazy("nimi"),
    "register_number": gettext_lazy("rekisterinumero"),
    "business_id": gettext_lazy("Y-tunnus"),
    "email": gettext_lazy("sähköposti"),
    "phone": gettext_lazy("puhelin"),
    "website": gettext_lazy("verkkosivu"),
    "description_fi": gettext_lazy("kuvaus"),
    "themes": gettext_lazy("teemat"),
    "contact_name": gettext_lazy("yhteyshenkilö"),
    "contact_email": gettext_lazy("yhteyshenkilön sähköposti"),
    "contact_phone": gettext_lazy("yhteyshenkilön puhelin"),
    "contact_consent": gettext_lazy("julkaisulupa"),
}

# Model field -> import column, to name the column of a validation error.
_FIELD_COLUMN = {
    "name_fi": "name",
    "register_number": "register_number",
    "business_id": "business_id",
    "email": "email",
    "phone": "phone",
    "website": "website",
    "description_fi": "description",
}
_CONTACT_FIELD_COLUMN = {"name": "contact_name", "email": "contact_email", "phone": "contact_phone"}

YES = {"kyllä", "kylla", "k", "yes", "y", "1", "x", "true", "tosi", "ja"}
NO = {"ei", "e", "no", "n", "0", "false", "epätosi", "nej"}
_RY = re.compile(r"[\s,]*\br\.?\s?y\.?$")
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


def normalise_name(name: str) -> str:
    """'Oulun  Kyläyhdistys r.y.' and 'oulun kyläyhdistys' are the same association."""
    text = " ".join(unicodedata.normalize("NFC", name or "").casefold().split())
    return _RY.sub("", text).strip(" ,.")


# -- cleaning, validating, matching ------------------------------------------------------


def _where(table: Table, column: str) -> str:
    index = table.columns.get(column)
    if index is None:
        return ""
    header = table.headers[index] if index < len(table.headers) else column
    return f"{column_letter(index)} ({header})"


def _text(value) -> tuple[str, str]:
    """(text, problem) for a cell where text is expected."""
    if value is None:
        return "", ""
    if isinstance(value, CellProblem):
        return "", value.message
    if isinstance(value, bool):
        return "", _("Solussa on totuusarvo, odotettiin tekstiä.")
    if isinstance(value, (datetime, date, time)):
        return "", _("Solussa on päivämäärä tai kellonaika, odotettiin tekstiä.")
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    text = unicodedata.normalize("NFC", str(value))
    if "\x00" in text:
        return "", _("Solussa on kielletty NUL-merkki. Tallenna tiedosto uudelleen.")
    if _CONTROL.search(text):
        return "", _("Solussa on kiellettyjä ohjausmerkkejä.")
    text = _FORMULA_GUARD.sub("", text.strip())
    if text.casefold() in EXCEL_ERRORS:
        return "", _("Solussa on kaavan virhe %(e)s.") % {"e": text}
    return text, ""


def _consent(value) -> tuple[str, str]:
    """'yes', 'no' or '' (no change), and a problem."""
    if isinstance(value, bool):
        return ("yes" if value else "no"), ""
    text, problem = _text(value)
    if problem or not text:
        return "", problem
    key = text.casefold().rstrip(".")
    if key in YES:
        return "yes", ""
    if key in NO:
        return "no", ""
    return "", _("Julkaisulupa on ”%(v)s”; kirjoita kyllä tai ei.") % {"v": text[:40]}


def _website(text: str) -> str:
    if text and not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        return "https://" + text
    return text


@dataclass
class Themes:
    by_key: dict

    @classmethod
    def load(cls) -> "Themes":
        by_key = {}
        for theme in Theme.objects.all():
            for key in (theme.slug, theme.name_fi, theme.name_sv, theme.name_en):
                if key:
                    by_key[key.casefold().strip()] = theme
        return cls(by_key)

    def parse(self, text: str) -> tuple[list, str]:
        slugs, unknown = [], []
        for part in re.split(r"[;,\n]", text):
            part = part.strip()
            if not part:
                continue
            theme = self.by_key.get(part.casefold())
            if theme is None:
                unknown.append(part[:40])
            elif theme.slug not in slugs:
                slugs.append(theme.slug)
        if unknown:
            return [], _("Tuntematon teema: %(names)s. Katso sallitut teemat ohjeesta.") % {
                "names": ", ".join(unknown[:5])
            }
        return sorted(slugs), ""


def _validation_messages(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for m in errors[0].messages] for name, errors in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


class Register:
    """The municipality's associations, indexed for matching. Loaded once per plan or
    apply, with contacts and themes, so that matching costs no query per row."""

    def __init__(self, municipality, *, keys=None):
        self.municipality = municipality
        associations = list(
            Association.objects.filter(municipality=municipality).prefetch_related(
                "contacts", "themes"
            )
        )
        self.by_id = {a.pk: a for a in associations}
        self.by_register, self.by_business, self.by_name = {}, {}, {}
        for a in associations:
            self.add(a)
        # Register numbers and business IDs held by another municipality's associations.
        self.elsewhere = {}
        registers = {k for kind, k in (keys or ()) if kind == "register_number"}
        businesses = {k for kind, k in (keys or ()) if kind == "business_id"}
        if registers or businesses:
            for a in (
                Association.objects.exclude(municipality=municipality)
                .filter(Q(register_number__in=registers) | Q(business_id__in=businesses))
                .select_related("municipality")
            ):
                if a.register_number:
                    self.elsewhere[("register_number", a.register_number)] = a
                if a.business_id:
                    self.elsewhere[("business_id", a.business_id)] = a

    def add(self, a: Association) -> None:
        self.by_id[a.pk] = a
        if a.register_number:
            self.by_register.setdefault(a.register_number, a)
        if a.business_id:
            self.by_business.setdefault(a.business_id, a)
        self.by_name.setdefault(normalise_name(a.name_fi), a)


@dataclass
class Municipalities:
    """Codes and names of all municipalities, read once when a file names municipalities."""

    by_key: dict

    @classmethod
    def load(cls) -> "Municipalities":
        by_key = {}
        for m in Municipality.objects.only("code", "name_fi", "name_sv", "name_en"):
            by_key[m.code] = m
            for name in (m.name_fi, m.name_sv, m.name_en):
                if name:
                    by_key.setdefault(name.casefold(), m)
        return cls(by_key)

    def find(self, text: str):
        key = text.strip().casefold()
        if key.isdigit():
            key = key.zfill(3)
        return self.by_key.get(key)


def clean_row(raw: RawRow, table: Table, themes: Themes, municipality, places) -> dict:
    """One planned row: its number, values, and errors; matching happens in `_match`."""
    entry = {"row": raw.number, "values": {}, "errors": []}
    if raw.problem:
        entry["errors"].append({"column": "", "message": raw.problem})
    values = entry["values"]
    for column, index in table.columns.items():
        value = raw.cells[index] if index < len(raw.cells) else None
        if column == "contact_consent":
            text, problem = _consent(value)
        else:
            text, problem = _text(value)
        if problem:
            entry["errors"].append({"column": _where(table, column), "message": problem})
        elif text:
            values[column] = text
    if raw.problem:
        return entry
    if not values.get("name"):
        entry["errors"].append(
            {"column": _where(table, "name"), "message": _("Yhdistyksen nimi puuttuu.")}
        )
    code = values.pop("municipality_code", "")
    if code:
        found = places.find(code)
        if found is None:
            entry["errors"].append(
                {
                    "column": _where(table, "municipality_code"),
                    "message": _("Kuntaa %(code)s ei ole.") % {"code": code[:40]},
                }
            )
        elif found.pk != municipality.pk:
            entry["errors"].append(
                {
                    "column": _where(table, "municipality_code"),
                    "message": _(
                        "Rivi kuuluu kuntaan %(other)s, mutta tuonti tehdään kuntaan %(this)s."
                    )
                    % {"other": found.name_fi, "this": municipality.name_fi},
                }
            )
    if "register_number" in values:
        values["register_number"] = values["register_number"].strip()
    if "business_id" in values:
        values["business_id"] = normalise_business_id(values["business_id"])
    if "website" in values:
        values["website"] = _website(values["website"])
    if "themes" in values:
        slugs, problem = themes.parse(values["themes"])
        if problem:
            entry["errors"].append({"column": _where(table, "themes"), "message": problem})
            del values["themes"]
        else:
            values["themes"] = slugs
    if "contact_name" not in values and (
        values.get("contact_email") or values.get("contact_phone") or values.get("contact_consent")
    ):
        entry["errors"].append(
            {
                "column": _where(table, "contact_name"),
                "message": _("Yhteyshenkilön tiedoille puuttuu yhteyshenkilön nimi."),
            }
        )
    _validate(entry, table, municipality)
    return entry


def _validate(entry: dict, table: Table, municipality) -> None:
    """The model's own validators, on an unsaved copy; no query."""
    values = entry["values"]
    candidate = Association(
        municipality=municipality,
        name_fi=values.get("name", "x"),
        register_number=values.get("register_number", ""),
        business_id=values.get("business_id", ""),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        website=values.get("website", ""),
        description_fi=values.get("description", ""),
    )
    try:
        candidate.full_clean(
            exclude=["municipality"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in _validation_messages(exc).items():
            column = _FIELD_COLUMN.get(name, "")
            if not column or column in values or column == "name":
                for message in messages:
                    entry["errors"].append(
                        {"column": _where(table, column) if column else "", "message": message}
                    )
    if values.get("register_number") and not entry["errors"]:
        values["register_number"] = normalise_register_number(values["register_number"])
    if "contact_name" in values:
        contact = ContactPerson(
            name=values["contact_name"],
            email=values.get("contact_email", ""),
            phone=values.get("contact_phone", ""),
        )
        try:
            contact.full_clean(
                exclude=["association", "consent_recorded_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in _validation_messages(exc).items():
                column = _CONTACT_FIELD_COLUMN.get(name, "")
                for message in messages:
                    entry["errors"].append(
                        {"column": _where(table, column) if column else "", "message": message}
                    )


def _keys(values: dict) -> list:
    keys = []
    if values.get("register_number"):
        keys.append(("register_number", values["register_number"]))
    if values.get("business_id"):
        keys.append(("business_id", values["business_id"]))
    if values.get("name"):
        keys.append(("name", normalise_name(values["name"])))
    return keys


def _match(values: dict, register: Register) -> tuple[Association | None, str]:
    """The existing association this row is about, or None; and a problem."""
    reg, bid = values.get("register_number"), values.get("business_id")
    by_reg = register.by_register.get(reg) if reg else None
    by_bid = register.by_business.get(bid) if bid else None
    if by_reg and by_bid and by_reg.pk != by_bid.pk:
        return None, _(
            "Rekisterinumero kuuluu yhdistykselle %(a)s mutta Y-tunnus yhdistykselle %(b)s."
        ) % {"a": by_reg.name_fi, "b": by_bid.name_fi}
    found = by_reg or by_bid
    if found:
        return found, ""
    for key in (("register_number", reg), ("business_id", bid)):
        other = register.elsewhere.get(key) if key[1] else None
        if other:
            return None, _(
                "Yhdistys %(name)s samalla tunnuksella on jo kunnan %(m)s rekisterissä; "
                "sitä voi muuttaa vain sen kotikunnan tuonnissa."
            ) % {"name": other.name_fi, "m": other.municipality.name_fi}
    by_name = register.by_name.get(normalise_name(values.get("name", "")))
    if by_name:
        if reg and by_name.register_number and by_name.register_number != reg:
            return None, _(
                "Samanniminen yhdistys on jo rekisterissä eri rekisterinumerolla (%(n)s)."
            ) % {"n": by_name.register_number}
        if bid and by_name.business_id and by_name.business_id != bid:
            return None, _(
                "Samanniminen yhdistys on jo rekisterissä eri Y-tunnuksella (%(n)s)."
            ) % {"n": by_name.business_id}
    return by_name, ""


def _contact_for(association: Association | None, values: dict):
    if association is None or not values.get("contact_name"):
        return None
    name = values["contact_name"].casefold()
    email = (values.get("contact_email") or "").casefold()
    for contact in association.contacts.all():
        if contact.name.casefold() == name or (email and contact.email.casefold() == email):
            return contact
    return None


def _changes(association: Association | None, values: dict) -> list:
    """[{field, old, new}] the row would change; for a new association every given value."""
    pairs = [
        ("name_fi", "name"),
        ("register_number", "register_number"),
        ("business_id", "business_id"),
        ("email", "email"),
        ("phone", "phone"),
        ("website", "website"),
        ("description_fi", "description"),
    ]
    changes = []
    for model_field, column in pairs:
        if column not in values:
            continue
        old = getattr(association, model_field) if association else ""
        if old != values[column]:
            changes.append({"field": model_field, "old": old, "new": values[column]})
    if "themes" in values:
        old = sorted(t.slug for t in association.themes.all()) if association else []
        if old != values["themes"]:
            changes.append({"field": "themes", "old": old, "new": values["themes"]})
    if values.get("contact_name"):
        contact = _contact_for(association, values)
        for column, attr in (
            ("contact_name", "name"),
            ("contact_email", "email"),
            ("contact_phone", "phone"),
        ):
            if column in values:
                old = getattr(contact, attr) if contact else ""
                if old != values[column]:
                    changes.append({"field": column, "old": old, "new": values[column]})
        consent = values.get("contact_consent")
        had = bool(contact and contact.has_consent)
        if (consent == "yes" and not had) or (consent == "no" and had):
            changes.append(
                {
                    "field": "contact_consent",
                    "old": "kyllä" if had else "ei",
                    "new": "kyllä" if consent == "yes" else "ei",
                }
            )
    return changes


def build_plan(table: Table, municipality, progress=None) -> dict:
    """The preview: every row of the file with what would happen to it. Writes nothing."""
    themes = Themes.load()
    places = Municipalities.load() if "municipality_code" in table.columns else None
    entries = []
    for i, raw in enumerate(table.rows):
        if not raw.problem and _is_empty(raw.cells):
            entries.append({"row": raw.number, "action": "skip", "reason": "empty", "values": {}})
        else:
            entries.append(clean_row(raw, table, themes, municipality, places))
        if progress and i % 200 == 0:
            progress(i, len(table.rows))
    keys = [k for e in entries for k in _keys(e["values"])]
    register = Register(municipality, keys=keys)
    seen: dict = {}
    for entry in entries:
        if entry.get("action") == "skip":
            continue
        _plan_entry(entry, register, seen, table)
    counts = {a: sum(1 for e in entries if e["action"] == a) for a in ACTIONS}
    counts["empty"] = sum(1 for e in entries if e.get("reason") == "empty")
    return {
        "version": 1,
        "municipality": municipality.code,
        "columns": sorted(table.columns, key=list(COLUMNS).index),
        "notices": table.notices,
        "counts": counts,
        "rows": entries,
    }


ACTIONS = ("create", "update", "skip", "error")


def _plan_entry(entry: dict, register: Register, seen: dict, table: Table) -> None:
    values = entry["values"]
    for key in _keys(values):
        if key in seen and not entry["errors"]:
            column = {"register_number": "register_number", "business_id": "business_id"}.get(
                key[0], "name"
            )
            entry["errors"].append(
                {
                    "column": _where(table, column),
                    "message": _("Sama yhdistys on tiedostossa jo rivillä %(row)s.")
                    % {"row": seen[key]},
                }
            )
    for key in _keys(values):
        seen.setdefault(key, entry["row"])
    association = None
    if not entry["errors"]:
        association, problem = _match(values, register)
        if problem:
            entry["errors"].append({"column": "", "message": problem})
        elif association is not None:
            if ("match", association.pk) in seen:
                entry["errors"].append(
                    {
                        "column": "",
                        "message": _("Sama yhdistys on tiedostossa jo rivillä %(row)s.")
                        % {"row": seen[("match", association.pk)]},
                    }
                )
            seen.setdefault(("match", association.pk), entry["row"])
    if entry["errors"]:
        entry["action"] = "error"
        entry["values"] = {
            k: (v[:SHOWN_VALUE_LENGTH] if isinstance(v, str) else v) for k, v in values.items()
        }
        entry["name"] = entry["values"].get("name", "")
        return
    entry["name"] = values["name"]
    entry["changes"] = _changes(association, values)
    if association is None:
        entry["action"] = "create"
    elif entry["changes"]:
        entry["action"] = "update"
        entry["association"] = association.pk
    else:
        entry["action"] = "skip"
        entry["reason"] = "unchanged"
        entry["association"] = association.pk


# -- writing -----------------------------------------------------------------------------

A = AuditLogEntry.Action


def _contact_snapshot(contact: ContactPerson) -> dict:
    return audit.snapshot(
        contact,
        [
            "name",
            "role",
            "email",
            "phone",
            "consent_given_at",
            "consent_given_by",
            "consent_name",
            "consent_email",
            "consent_phone",
            "consent_withdrawn_at",
        ],
    )


def _write_contact(actor, association: Association, contact, values: dict, note: str) -> None:
    consent = values.get("contact_consent")
    created = contact is None
    if created:
        contact = ContactPerson(
            association=association, order=len(association.contacts.all()), name=""
        )
        before = {}
    else:
        before = _contact_snapshot(contact)
    contact.name = values["contact_name"]
    contact.email = values.get("contact_email", contact.email)
    contact.phone = values.get("contact_phone", contact.phone)
    now = timezone.now()
    if consent == "yes" and not contact.has_consent:
        contact.consent_given_at = now
        contact.consent_given_by = contact.name
        contact.consent_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        contact.consent_name = True
        contact.consent_email = bool(contact.email)
        contact.consent_phone = bool(contact.phone)
        contact.consent_withdrawn_at = None
    elif consent == "no" and contact.has_consent:
        contact.consent_withdrawn_at = now
    contact.full_clean(exclude=["association"])
    after = _contact_snapshot(contact)
    if not created and after == before:
        return
    contact.save()
    audit.record(
        actor,
        A.CREATE if created else A.UPDATE,
        contact,
        before=before,
        after=after,
        municipality=association.municipality,
        note=note,
    )


def _write_themes(actor, association: Association, slugs: list, themes: dict, note: str):
    before = sorted(t.slug for t in association.themes.all())
    if before == slugs:
        return
    association.themes.set([themes[s] for s in slugs])
    audit.record(
        actor,
        A.UPDATE,
        association,
        before={"themes": before},
        after={"themes": slugs},
        municipality=association.municipality,
        note=note,
    )


def _write_row(actor, entry: dict, register: Register, themes: dict, note: str) -> str:
    """Applies one planned row as the register is now; returns what happened."""
    values = entry["values"]
    association, problem = _match(values, register)
    if problem:
        raise RowError(problem)
    changes = _changes(association, values)
    if association is not None and not changes:
        return "skip"
    fields = {
        "business_id": values.get("business_id"),
        "phone": values.get("phone"),
        "website": values.get("website"),
        "description_fi": values.get("description"),
    }
    if association is None:
        association = services.create_association(
            actor,
            municipality=register.municipality,
            name_fi=values["name"],
            register_number=values.get("register_number", ""),
            email=values.get("email", ""),
        )
        extra = {k: v for k, v in fields.items() if v}
        if extra:
            services.update_association(actor, association, **extra)
        register.add(association)
        action = "create"
    else:
        fields.update(
            name_fi=values.get("name"),
            register_number=values.get("register_number"),
            email=values.get("email"),
        )
        changed = {k: v for k, v in fields.items() if v and getattr(association, k) != v}
        if changed:
            services.update_association(actor, association, **changed)
        action = "update"
    if "themes" in values:
        _write_themes(actor, association, values["themes"], themes, note)
    if values.get("contact_name"):
        _write_contact(actor, association, _contact_for(association, values), values, note)
    return action


class RowError(Exception):
    pass


def apply_plan(plan: dict, municipality, actor, *, note="", progress=None) -> dict:
    """Writes the plan's creates and updates, BATCH_SIZE rows per transaction. A batch that
    fails is rolled back whole and reported; the batches before and after it stand."""
    pending = [e for e in plan["rows"] if e["action"] in ("create", "update")]
    themes = {t.slug: t for t in Theme.objects.all()}
    keys = [k for e in pending for k in _keys(e["values"])]
    register = Register(municipality, keys=keys)
    outcome = {"created": [], "updated": [], "unchanged": [], "failed": [], "batches_failed": 0}
    done = 0
    for start in range(0, len(pending), BATCH_SIZE):
        batch = pending[start : start + BATCH_SIZE]
        results = []
        try:
            with transaction.atomic():
                for entry in batch:
                    try:
                        with transaction.atomic():
                            action = _write_row(actor, entry, register, themes, note)
                    except (RowError, ValidationError) as exc:
                        message = (
                            "; ".join(str(m) for m in exc.messages)
                            if isinstance(exc, ValidationError)
                            else str(exc)
                        )
                        results.append(("failed", entry, message))
                    else:
                        results.append((action, entry, ""))
        except Exception as exc:  # noqa: BLE001 - a database failure: the batch is undone
            register = Register(municipality, keys=keys)  # forget what the rolled-back batch added
            outcome["batches_failed"] += 1
            for entry in batch:
                outcome["failed"].append(
                    {
                        "row": entry["row"],
                        "name": entry["name"],
                        "message": _(
                            "Erän rivit %(first)s–%(last)s jäivät tallentamatta, koska "
                            "tallennus keskeytyi virheeseen (%(why)s). Tuo tiedosto uudelleen: "
                            "jo tallennetut rivit eivät kahdennu."
                        )
                        % {
                            "first": batch[0]["row"],
                            "last": batch[-1]["row"],
                            "why": type(exc).__name__,
                        },
                    }
                )
        else:
            names = {"create": "created", "update": "updated", "skip": "unchanged"}
            for action, entry, message in results:
                item = {"row": entry["row"], "name": entry["name"]}
                if action == "failed":
                    item["message"] = message
                    outcome["failed"].append(item)
                else:
                    outcome[names[action]].append(item)
        done += len(batch)
        if progress:
            progress(done, len(pending))
    return outcome
