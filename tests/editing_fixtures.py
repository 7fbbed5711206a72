"""Helpers shared by the editing feature's tests: form data that saves as is, tiny images."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def association_form_data(association, **overrides) -> dict:
    data = {
        "name_fi": association.name_fi,
        "name_sv": association.name_sv,
        "name_en": association.name_en,
        "short_description_fi": association.short_description_fi,
        "short_description_sv": "",
        "short_description_en": "",
        "description_fi": association.description_fi,
        "description_sv": "",
        "description_en": "",
        "register_number": association.register_number,
        "business_id": association.business_id,
        "municipality": str(association.municipality_id),
        "other_municipalities": "",
        "website": association.website,
        "social_links": "",
        "email": association.email,
        "phone": association.phone,
        "accessibility_fi": "",
        "accessibility_sv": "",
        "accessibility_en": "",
        "status": association.status,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def activity_form_data(**overrides) -> dict:
    data = {
        "name_fi": "Kuoro kylätalolla",
        "name_sv": "",
        "name_en": "",
        "description_fi": "Laulamme yhdessä.",
        "description_sv": "",
        "description_en": "",
        "kind": "recurring",
        "weekday": "1",
        "start_time": "18:00",
        "end_time": "20:00",
        "schedule_note": "ei kesällä",
        "starts_at": "",
        "ends_at": "",
        "place_name": "Kylätalo",
        "address": "Kylätie 1, Oulu",
        "is_free": "on",
        "price": "",
        "languages": ["fi"],
        "registration_url": "",
        "is_published": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def png_file(name="logo.png", size=(40, 20), fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
