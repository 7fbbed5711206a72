"""Loads regions, wellbeing counties and municipalities from the shipped CSV.

The whole file is checked before anything is written: one bad row and nothing changes,
and every problem is reported with its line number. Loading again updates in place.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Municipality, Region, WellbeingCounty

DEFAULT_CSV = Path(__file__).parent / "data" / "municipalities-2026.csv"

COLUMNS = [
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "language_status",
    "region_code",
    "region_name_fi",
    "region_name_sv",
    "region_name_en",
    "wellbeing_county_code",
    "wellbeing_county_name_fi",
    "wellbeing_county_name_sv",
    "wellbeing_county_name_en",
]

LANGUAGE_STATUS = {
    "Monolingual Finnish-speaking municipality": Municipality.LanguageStatus.FINNISH,
    "Monolingual Swedish-speaking municipality": Municipality.LanguageStatus.SWEDISH,
    "Bilingual municipality with Finnish-speaking majority": Municipality.LanguageStatus.BILINGUAL_FI,
    "Bilingual municipality with Swedish-speaking majority": Municipality.LanguageStatus.BILINGUAL_SV,
}


class PlacesFileError(Exception):
    """The file could not be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadResult:
    regions: int = 0
    counties: int = 0
    municipalities: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _pad(value: str, width: int) -> str | None:
    value = (value or "").strip()
    if not re.fullmatch(rf"\d{{1,{width}}}", value):
        return None
    return value.zfill(width)


def parse(text: str) -> list[dict]:
    """Validates every row; raises PlacesFileError listing all problems."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PlacesFileError([_("Tiedostosta puuttuu sarakkeita: %s") % ", ".join(missing)])
    rows, errors, seen = [], [], {}
    for raw in reader:
        # The reader's own count, so that blank lines skipped by DictReader still count.
        line = reader.line_num
        row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        problems = []
        code = _pad(row["code"], 3)
        if code is None:
            problems.append(_("kuntanumero %(value)r ei ole 1–3 numeroa") % {"value": row["code"]})
        elif code in seen:
            problems.append(
                _("kuntanumero %(code)s on jo rivillä %(line)d")
                % {"code": code, "line": seen[code]}
            )
        region = _pad(row["region_code"], 2)
        if region is None:
            problems.append(
                _("maakunnan koodi %(value)r ei ole 1–2 numeroa") % {"value": row["region_code"]}
            )
        county = _pad(row["wellbeing_county_code"], 2) if row["wellbeing_county_code"] else ""
        if county is None:
            problems.append(
                _("hyvinvointialueen koodi %(value)r ei ole 1–2 numeroa")
                % {"value": row["wellbeing_county_code"]}
            )
        for name in ("name_fi", "region_name_fi"):
            if not row[name]:
                problems.append(_("sarake %s on tyhjä") % name)
        if county and not row["wellbeing_county_name_fi"]:
            problems.append(_("sarake %s on tyhjä") % "wellbeing_county_name_fi")
        status = LANGUAGE_STATUS.get(row["language_status"])
        if status is None:
            problems.append(_("tuntematon kielisyys %(value)r") % {"value": row["language_status"]})
        if problems:
            errors.append(
                _("Rivi %(line)d: %(problems)s") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        seen[code] = line
        rows.append(
            {
                **row,
                "code": code,
                "region_code": region,
                "wellbeing_county_code": county,
                "language_status": status,
            }
        )
    if errors:
        raise PlacesFileError(errors)
    if not rows:
        raise PlacesFileError([_("Tiedostossa ei ole yhtään kuntaa.")])
    return rows


def load(path: Path | str = DEFAULT_CSV) -> LoadResult:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PlacesFileError([_("Tiedostoa ei löydy: %s") % path]) from exc
    except UnicodeDecodeError as exc:
        raise PlacesFileError([_("Tiedosto ei ole UTF-8-muotoinen: %s") % path]) from exc
    rows = parse(text)
    result = LoadResult()
    with transaction.atomic():
        regions, counties = {}, {}
        for row in rows:
            rc = row["region_code"]
            if rc not in regions:
                regions[rc], _created = Region.objects.update_or_create(
                    code=rc,
                    defaults={
                        "name_fi": row["region_name_fi"],
                        "name_sv": row["region_name_sv"],
                        "name_en": row["region_name_en"],
                    },
                )
            cc = row["wellbeing_county_code"]
            if cc and cc not in counties:
                counties[cc], _created = WellbeingCounty.objects.update_or_create(
                    code=cc,
                    defaults={
                        "name_fi": row["wellbeing_county_name_fi"],
                        "name_sv": row["wellbeing_county_name_sv"],
                        "name_en": row["wellbeing_county_name_en"],
                    },
                )
        existing = {m.code: m for m in Municipality.objects.all()}
        for row in rows:
            values = {
                "name_fi": row["name_fi"],
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
                "language_status": row["language_status"],
                # Ids, not objects: comparing current.region would fetch it for every row.
                "region_id": regions[row["region_code"]].pk,
                "wellbeing_county_id": getattr(
                    counties.get(row["wellbeing_county_code"]), "pk", None
                ),
            }
            current = existing.get(row["code"])
            if current is None:
                Municipality.objects.create(code=row["code"], **values)
                result.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                result.updated += 1
            else:
                result.unchanged += 1
        result.regions, result.counties = len(regions), len(counties)
        result.municipalities = len(rows)
    return result
