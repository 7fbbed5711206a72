"""Permission-matrix rows for the surveys (silta/surveys/urls.py)."""

from django.urls import reverse

from tests.matrix import LOGIN, Row, expect
from tests.surveys_factories import invite, make_round, template

USERS = {
    "oulu_liaison": 200,
    "kempele_liaison": 200,
    "oulu_agent": 200,
    "coordinator": 200,
    "admin": 200,
}
MANAGERS = {"oulu_liaison": 200, "kempele_liaison": 200, "coordinator": 200, "admin": 200}
# Kempele's rounds: Kempele's liaison, the coordinator serving Kempele and the admin see them;
# for everybody else they do not exist (404), so nobody can probe which rounds there are.
KEMPELE_ROUND = expect(
    LOGIN, 403, oulu_liaison=404, kempele_liaison=200, oulu_agent=404, coordinator=200, admin=200
)
KEMPELE_MANAGE = KEMPELE_ROUND


def _kempele(w):
    return make_round(municipality=w.kempele, title="Kempeleen kierros")


def _oulu(w):
    return make_round(municipality=w.oulu, title="Oulun kierros")


def _round(name, *extra):
    return lambda w: reverse(f"surveys:{name}", args=[_kempele(w).pk, *extra])


def _link(w):
    return reverse("surveys:answer", args=[invite(_kempele(w)).token])


def _copy_of_template(w):
    from silta.surveys import services

    copy = services.copy_questionnaire(None, template("tyopaja"), w.organisation)
    return reverse("surveys:questionnaire_edit", args=[copy.pk])


def _interview_edit(w):
    from django.utils import timezone

    from silta.surveys import services

    round_ = _kempele(w)
    response = services.save_answers(
        None,
        round_,
        {},
        submit=False,
        version="0",
        interview={"respondent_label": "Haastateltava", "interviewed_at": timezone.localdate()},
    )
    return reverse("surveys:interview_edit", args=[round_.pk, response.pk])


def _no_kempele(response, w, persona):
    assert "Kempeleen kierros" not in response.content.decode()
    assert "Oulun kierros" in response.content.decode()


def _index_oulu_only(w):
    _kempele(w)
    _oulu(w)
    return reverse("surveys:index")


ROWS = [
    Row("surveys-answer", "surveys:answer", _link, expect(200, 200)),
    Row(
        "surveys-answer-forged",
        "surveys:answer",
        lambda w: "/kysely/vaara-linkki/",
        expect(404, 404),
    ),
    Row(
        "surveys-index",
        "surveys:index",
        lambda w: reverse("surveys:index"),
        expect(LOGIN, 403, **USERS),
    ),
    Row(
        "surveys-index-oulu-liaison",
        "surveys:index",
        _index_oulu_only,
        expect(LOGIN, 403, **USERS),
        check=lambda r, w, p: _no_kempele(r, w, p) if p in ("oulu_liaison", "oulu_agent") else None,
    ),
    Row(
        "surveys-questionnaire",
        "surveys:questionnaire",
        lambda w: reverse("surveys:questionnaire", args=[template("kartoitus").pk]),
        expect(LOGIN, 403, **USERS),
    ),
    Row(
        "surveys-questionnaire-missing",
        "surveys:questionnaire",
        lambda w: reverse("surveys:questionnaire", args=[999999]),
        expect(LOGIN, 403, **dict.fromkeys(USERS, 404)),
    ),
    # Copying is a POST; a GET gets 405 from those who may copy.
    Row(
        "surveys-questionnaire_copy",
        "surveys:questionnaire_copy",
        lambda w: reverse("surveys:questionnaire_copy", args=[template("kartoitus").pk]),
        expect(LOGIN, 403, coordinator=405, admin=405),
    ),
    Row(
        "surveys-questionnaire_edit-shipped",
        "surveys:questionnaire_edit",
        lambda w: reverse("surveys:questionnaire_edit", args=[template("kartoitus").pk]),
        expect(LOGIN, 403),
    ),
    # The copy belongs to the coordinator's organisation: others cannot even see it.
    Row(
        "surveys-questionnaire_edit-copy",
        "surveys:questionnaire_edit",
        _copy_of_template,
        expect(
            LOGIN,
            403,
            oulu_liaison=404,
            kempele_liaison=404,
            oulu_agent=404,
            coordinator=200,
            admin=200,
        ),
    ),
    Row(
        "surveys-round_create",
        "surveys:round_create",
        lambda w: reverse("surveys:round_create"),
        expect(LOGIN, 403, **MANAGERS),
    ),
    Row("surveys-round-kempele", "surveys:round", _round("round"), KEMPELE_ROUND),
    Row(
        "surveys-round-oulu",
        "surveys:round",
        lambda w: reverse("surveys:round", args=[_oulu(w).pk]),
        expect(
            LOGIN,
            403,
            oulu_liaison=200,
            kempele_liaison=404,
            oulu_agent=200,
            coordinator=200,
            admin=200,
        ),
    ),
    Row(
        "surveys-round-missing",
        "surveys:round",
        lambda w: reverse("surveys:round", args=[999999]),
        expect(LOGIN, 403, **dict.fromkeys(USERS, 404)),
    ),
    Row("surveys-results", "surveys:results", _round("results"), KEMPELE_ROUND),
    Row(
        "surveys-round_send",
        "surveys:round_send",
        _round("round_send"),
        expect(
            LOGIN,
            403,
            oulu_liaison=404,
            kempele_liaison=405,
            oulu_agent=404,
            coordinator=405,
            admin=405,
        ),
    ),
    Row(
        "surveys-round_remind",
        "surveys:round_remind",
        _round("round_remind"),
        expect(
            LOGIN,
            403,
            oulu_liaison=404,
            kempele_liaison=405,
            oulu_agent=404,
            coordinator=405,
            admin=405,
        ),
    ),
    Row(
        "surveys-round_invite",
        "surveys:round_invite",
        _round("round_invite"),
        expect(
            LOGIN,
            403,
            oulu_liaison=404,
            kempele_liaison=405,
            oulu_agent=404,
            coordinator=405,
            admin=405,
        ),
    ),
    Row("surveys-interview", "surveys:interview", _round("interview"), KEMPELE_MANAGE),
    Row("surveys-interview_edit", "surveys:interview_edit", _interview_edit, KEMPELE_MANAGE),
    Row("surveys-export_csv", "surveys:export_csv", _round("export_csv"), KEMPELE_MANAGE),
    Row("surveys-export_xlsx", "surveys:export_xlsx", _round("export_xlsx"), KEMPELE_MANAGE),
    # An agent sees the associations' rounds of their municipality but does not run them.
    Row(
        "surveys-export_csv-oulu",
        "surveys:export_csv",
        lambda w: reverse("surveys:export_csv", args=[_oulu(w).pk]),
        expect(
            LOGIN,
            403,
            oulu_liaison=200,
            kempele_liaison=404,
            oulu_agent=403,
            coordinator=200,
            admin=200,
        ),
    ),
    # Comparisons: the municipality's coordinators, liaison and agents; others are told nothing.
    Row(
        "surveys-comparison-kempele",
        "surveys:comparison",
        lambda w: reverse("surveys:comparison", args=["244"]),
        KEMPELE_ROUND,
    ),
    Row(
        "surveys-comparison-oulu",
        "surveys:comparison",
        lambda w: reverse("surveys:comparison", args=["564"]),
        expect(
            LOGIN,
            403,
            oulu_liaison=200,
            kempele_liaison=404,
            oulu_agent=200,
            coordinator=200,
            admin=200,
        ),
    ),
    Row(
        "surveys-comparison-missing",
        "surveys:comparison",
        lambda w: reverse("surveys:comparison", args=["999"]),
        expect(LOGIN, 403, **dict.fromkeys(USERS, 404)),
    ),
    Row(
        "surveys-comparison_present",
        "surveys:comparison_present",
        lambda w: reverse("surveys:comparison_present", args=["244"]),
        KEMPELE_ROUND,
    ),
    # The region's overview is the coordinators' (and administrators') tool.
    Row(
        "surveys-region_overview",
        "surveys:region_overview",
        lambda w: reverse("surveys:region_overview", args=["17"]),
        expect(LOGIN, 403, coordinator=200, admin=200),
    ),
    Row(
        "surveys-region_overview-missing",
        "surveys:region_overview",
        lambda w: reverse("surveys:region_overview", args=["99"]),
        expect(LOGIN, 403, **dict.fromkeys(USERS, 404)),
    ),
    Row(
        "surveys-region_overview_xlsx",
        "surveys:region_overview_xlsx",
        lambda w: reverse("surveys:region_overview_xlsx", args=["17"]),
        expect(LOGIN, 403, coordinator=200, admin=200),
    ),
]
