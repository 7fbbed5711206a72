"""The questionnaires that ship with Silta (seed 000 steps 1, 2, 5 and 8; the NGO-friendly
municipality criteria). Texts are data in three languages, not .po strings.

`ensure_templates()` creates whichever of them is missing and leaves existing ones alone, so
it can run at every deploy and in load_demo. Questions carry a `topic` so that the mapping,
the associations' view and the self-assessment can be compared question by question.
"""

from django.db import transaction

from .models import Choice, Purpose, Question, Questionnaire, Section

K = Question.Kind

YES_NO = [("yes", "Kyllä", "Ja", "Yes"), ("no", "Ei", "Nej", "No")]
YES_NO_UNKNOWN = [*YES_NO, ("unknown", "En tiedä", "Vet inte", "Don't know")]
PREMISES = [
    ("free", "Kyllä, maksutta", "Ja, avgiftsfritt", "Yes, free of charge"),
    ("fee", "Kyllä, maksua vastaan", "Ja, mot avgift", "Yes, for a fee"),
    ("no", "Ei", "Nej", "No"),
]
ATTITUDE = [
    ("positive", "Myönteisesti", "Positivt", "Positively"),
    ("neutral", "Neutraalisti", "Neutralt", "Neutrally"),
    ("negative", "Kielteisesti", "Negativt", "Negatively"),
    ("undecided", "Ei vielä kantaa", "Ingen ståndpunkt ännu", "No view yet"),
]
CHANNELS = [
    ("web_form", "Verkkolomake", "Webbformulär", "Web form"),
    ("email", "Sähköposti", "E-post", "Email"),
    ("social_media", "Sosiaalinen media", "Sociala medier", "Social media"),
    ("resident_evenings", "Asukasillat", "Invånarkvällar", "Residents' evenings"),
    ("feedback_box", "Palautelaatikko", "Responslåda", "Feedback box"),
    ("other", "Muu", "Annat", "Other"),
]
CRITERION = [
    ("yes", "Toteutuu", "Uppfylls", "Met"),
    ("partly", "Toteutuu osittain", "Uppfylls delvis", "Partly met"),
    ("no", "Ei toteudu", "Uppfylls inte", "Not met"),
]


def q(kind, topic, fi, sv, en, *, required=False, choices=None, follow=None, **extra):
    return {
        "kind": kind,
        "topic": topic,
        "text": (fi, sv, en),
        "required": required,
        "choices": choices,
        "follow": follow or [],
        **extra,
    }


def follow(when, kind, fi, sv, en, **extra):
    return {"when": when, **q(kind, "", fi, sv, en, **extra)}


HOW = ("Miten?", "Hur?", "How?")
GROUNDS = ("Millä perusteella?", "På vilka grunder?", "On what grounds?")

MAPPING = {
    "key": "kartoitus",
    "purpose": Purpose.MAPPING,
    "title": (
        "Kunnan järjestöyhteistyön kartoitus",
        "Kartläggning av kommunens samarbete med föreningar",
        "Mapping of the municipality's cooperation with associations",
    ),
    "intro": (
        "Haastattelu tehdään puhelimessa tai paikan päällä kunnan järjestöyhdyshenkilön tai "
        "järjestöyhteistyötä tekevän henkilön kanssa. Vastauksia verrataan yhdistysillassa "
        "yhdistysten näkemyksiin ja muiden kuntien vastauksiin.",
        "Intervjun görs per telefon eller på plats med kommunens kontaktperson för "
        "föreningssamarbetet. Svaren jämförs på föreningskvällen med föreningarnas syn och "
        "med andra kommuners svar.",
        "The interview is done by phone or on site with the municipality's NGO liaison. At the "
        "association evening the answers are compared with the associations' views and with "
        "other municipalities' answers.",
    ),
    "sections": [
        (
            ("Järjestöyhteistyön nykytilanne", "Nuläget i föreningssamarbetet", "Current state"),
            [
                q(
                    K.YES_NO,
                    "liaison",
                    "Onko kunnassa nimettyä järjestöyhdyshenkilöä?",
                    "Har kommunen en utsedd kontaktperson för föreningar?",
                    "Has the municipality named an NGO liaison?",
                    required=True,
                    follow=[
                        follow(
                            "yes",
                            K.SHORT_TEXT,
                            "Kuka, ja missä tehtävässä?",
                            "Vem, och i vilken befattning?",
                            "Who, and in which position?",
                        )
                    ],
                ),
                q(
                    K.YES_NO,
                    "convened",
                    "Kutsuuko kunta yhdistyksiä säännöllisesti koolle?",
                    "Sammankallar kommunen föreningarna regelbundet?",
                    "Does the municipality convene associations regularly?",
                    required=True,
                    follow=[
                        follow(
                            "yes",
                            K.LONG_TEXT,
                            "Kuinka usein ja millä tavalla?",
                            "Hur ofta och på vilket sätt?",
                            "How often and in what way?",
                        )
                    ],
                ),
                q(
                    K.YES_NO,
                    "grants",
                    "Maksetaanko kunnassa järjestöavustuksia?",
                    "Betalar kommunen understöd till föreningar?",
                    "Does the municipality pay grants to associations?",
                    required=True,
                    follow=[follow("yes", K.LONG_TEXT, *GROUNDS)],
                ),
                q(
                    K.SINGLE,
                    "premises",
                    "Voivatko yhdistykset käyttää kunnan tiloja?",
                    "Kan föreningarna använda kommunens lokaler?",
                    "Can associations use the municipality's premises?",
                    required=True,
                    choices=PREMISES,
                    follow=[follow("free,fee", K.LONG_TEXT, *GROUNDS)],
                ),
                q(
                    K.YES_NO,
                    "services",
                    "Voivatko yhdistykset osallistua kunnan palvelujen kehittämiseen?",
                    "Kan föreningarna delta i utvecklingen av kommunens tjänster?",
                    "Can associations take part in developing the municipality's services?",
                    required=True,
                    follow=[follow("yes", K.LONG_TEXT, *HOW)],
                ),
                q(
                    K.YES_NO,
                    "lived_experience",
                    "Kerääkö kunta yhdistyksiltä kokemustietoa?",
                    "Samlar kommunen in erfarenhetsbaserad kunskap från föreningarna?",
                    "Does the municipality collect lived experience from associations?",
                    required=True,
                    follow=[follow("yes", K.LONG_TEXT, *HOW)],
                ),
                q(
                    K.SINGLE,
                    "agents",
                    "Miten kunta suhtautuu yhdistysagenttitoimintaan järjestöyhteistyön "
                    "organisoimiseksi?",
                    "Hur förhåller sig kommunen till föreningsagentverksamhet för att "
                    "organisera föreningssamarbetet?",
                    "What is the municipality's view of association agent work as a way to "
                    "organise cooperation with associations?",
                    required=True,
                    choices=ATTITUDE,
                    follow=[
                        follow(
                            "positive,neutral,negative,undecided",
                            K.LONG_TEXT,
                            "Kerro tarkemmin.",
                            "Berätta mer.",
                            "Please tell us more.",
                        )
                    ],
                ),
                q(
                    K.YES_NO,
                    "feedback",
                    "Onko kunnalla käytössä palautekanavia kuntalaisille?",
                    "Har kommunen kanaler för invånarnas respons?",
                    "Does the municipality have feedback channels for residents?",
                    required=True,
                    follow=[
                        follow(
                            "yes",
                            K.MULTIPLE,
                            "Millaisia?",
                            "Vilka?",
                            "Which ones?",
                            choices=CHANNELS,
                        )
                    ],
                ),
            ],
        )
    ],
}

ASSOCIATIONS_VIEW = {
    "key": "yhdistysten-nakemys",
    "purpose": Purpose.ASSOCIATIONS_VIEW,
    "title": (
        "Yhdistysten näkemys kunnan järjestöyhteistyöstä",
        "Föreningarnas syn på kommunens föreningssamarbete",
        "Associations' view of the municipality's cooperation",
    ),
    "intro": (
        "Kysymme samat asiat kuin kunnalta. Yhdistysillassa verrataan kunnan vastauksia "
        "yhdistysten näkemyksiin. Vastaaminen vie noin viisi minuuttia.",
        "Vi frågar samma saker som kommunen. På föreningskvällen jämförs kommunens svar med "
        "föreningarnas syn. Det tar cirka fem minuter att svara.",
        "We ask the same things as we asked the municipality. At the association evening the "
        "municipality's answers are compared with the associations' views. Answering takes "
        "about five minutes.",
    ),
    "sections": [
        (
            ("Yhteistyö kunnan kanssa", "Samarbetet med kommunen", "Cooperation"),
            [
                q(
                    K.SINGLE,
                    "liaison",
                    "Onko kunnassa yhdistyksenne tietojen mukaan nimetty järjestöyhdyshenkilö?",
                    "Har kommunen enligt er förening en utsedd kontaktperson för föreningar?",
                    "As far as your association knows, has the municipality named an NGO liaison?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                ),
                q(
                    K.SINGLE,
                    "convened",
                    "Kutsuuko kunta yhdistyksiä säännöllisesti koolle?",
                    "Sammankallar kommunen föreningarna regelbundet?",
                    "Does the municipality convene associations regularly?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                    follow=[
                        follow(
                            "yes",
                            K.SCALE,
                            "Kuinka hyvin kokoontumiset palvelevat yhdistystänne?",
                            "Hur väl gagnar mötena er förening?",
                            "How well do the meetings serve your association?",
                            low=("Huonosti", "Dåligt", "Poorly"),
                            high=("Erittäin hyvin", "Mycket väl", "Very well"),
                        )
                    ],
                ),
                q(
                    K.SINGLE,
                    "grants",
                    "Maksaako kunta yhdistyksille avustuksia?",
                    "Betalar kommunen understöd till föreningar?",
                    "Does the municipality pay grants to associations?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                    follow=[
                        follow(
                            "yes",
                            K.LONG_TEXT,
                            "Ovatko myöntämisperusteet mielestänne selkeät?",
                            "Är grunderna för beviljande tydliga enligt er?",
                            "Are the grounds for awarding them clear, in your view?",
                        )
                    ],
                ),
                q(
                    K.SINGLE,
                    "premises",
                    "Voiko yhdistyksenne käyttää kunnan tiloja?",
                    "Kan er förening använda kommunens lokaler?",
                    "Can your association use the municipality's premises?",
                    required=True,
                    choices=[*PREMISES, YES_NO_UNKNOWN[2]],
                    follow=[follow("free,fee", K.LONG_TEXT, *GROUNDS)],
                ),
                q(
                    K.SINGLE,
                    "services",
                    "Voiko yhdistyksenne osallistua kunnan palvelujen kehittämiseen?",
                    "Kan er förening delta i utvecklingen av kommunens tjänster?",
                    "Can your association take part in developing the municipality's services?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                    follow=[follow("yes", K.LONG_TEXT, *HOW)],
                ),
                q(
                    K.SINGLE,
                    "lived_experience",
                    "Kerääkö kunta yhdistyksenne kokemustietoa?",
                    "Samlar kommunen in er förenings erfarenhetsbaserade kunskap?",
                    "Does the municipality collect your association's lived experience?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                    follow=[follow("yes", K.LONG_TEXT, *HOW)],
                ),
                q(
                    K.SINGLE,
                    "agents",
                    "Miten suhtaudutte yhdistysagenttitoimintaan?",
                    "Hur ser ni på föreningsagentverksamheten?",
                    "What is your view of association agent work?",
                    required=True,
                    choices=ATTITUDE,
                ),
                q(
                    K.SINGLE,
                    "feedback",
                    "Onko kunnalla käytössä palautekanavia kuntalaisille?",
                    "Har kommunen kanaler för invånarnas respons?",
                    "Does the municipality have feedback channels for residents?",
                    required=True,
                    choices=YES_NO_UNKNOWN,
                    follow=[
                        follow(
                            "yes",
                            K.MULTIPLE,
                            "Millaisia?",
                            "Vilka?",
                            "Which ones?",
                            choices=CHANNELS,
                        )
                    ],
                ),
            ],
        )
    ],
}

AGREE = {
    "low": ("Huonosti", "Dåligt", "Poorly"),
    "high": ("Erinomaisesti", "Utmärkt", "Excellently"),
}

WORKSHOP = {
    "key": "tyopaja",
    "purpose": Purpose.WORKSHOP,
    "title": (
        "Yhdistysillan työpaja: avustukset, tilat ja yhteistyö",
        "Föreningskvällens workshop: understöd, lokaler och samarbete",
        "Association evening workshop: grants, premises and cooperation",
    ),
    "intro": (
        "Työpajan kooste toimii pohjana yhdistysagenttitoiminnan aloittamiselle.",
        "Sammanfattningen av workshoppen är grunden för att starta föreningsagentverksamheten.",
        "The workshop summary is the basis for starting association agent work.",
    ),
    "sections": [
        (
            ("Avustukset", "Understöd", "Grants"),
            [
                q(
                    K.SCALE,
                    "grants",
                    "Kuinka hyvin kunnan avustukset vastaavat yhdistyksenne tarpeita?",
                    "Hur väl motsvarar kommunens understöd er förenings behov?",
                    "How well do the municipality's grants meet your association's needs?",
                    **AGREE,
                ),
                q(
                    K.LONG_TEXT,
                    "grants",
                    "Mitä avustuksissa pitäisi muuttaa?",
                    "Vad borde ändras i understöden?",
                    "What should change in the grants?",
                ),
            ],
        ),
        (
            ("Tilat", "Lokaler", "Premises"),
            [
                q(
                    K.SCALE,
                    "premises",
                    "Kuinka helppoa kunnan tilojen käyttö on?",
                    "Hur lätt är det att använda kommunens lokaler?",
                    "How easy is it to use the municipality's premises?",
                    low=("Vaikeaa", "Svårt", "Difficult"),
                    high=("Helppoa", "Lätt", "Easy"),
                ),
                q(
                    K.LONG_TEXT,
                    "premises",
                    "Millaisia tiloja yhdistyksenne tarvitsee?",
                    "Vilka slags lokaler behöver er förening?",
                    "What kind of premises does your association need?",
                ),
            ],
        ),
        (
            ("Yhteistyö kunnan kanssa", "Samarbetet med kommunen", "Cooperation"),
            [
                q(
                    K.SCALE,
                    "cooperation",
                    "Kuinka hyvin yhteistyö kunnan kanssa toimii?",
                    "Hur väl fungerar samarbetet med kommunen?",
                    "How well does cooperation with the municipality work?",
                    **AGREE,
                ),
                q(
                    K.MULTIPLE,
                    "agents",
                    "Missä toivoisitte yhdistysagentin tukea?",
                    "Med vad önskar ni stöd av en föreningsagent?",
                    "Where would you like an association agent's support?",
                    choices=[
                        (
                            "digital",
                            "Toimeksi.fi-palvelun käyttö",
                            "Användning av Toimeksi.fi",
                            "Using Toimeksi.fi",
                        ),
                        (
                            "advocacy",
                            "Yhteinen vaikuttaminen",
                            "Gemensamt påverkansarbete",
                            "Joint advocacy",
                        ),
                        ("communication", "Tiedottaminen", "Information", "Communication"),
                        (
                            "networks",
                            "Yhteistyö muiden yhdistysten kanssa",
                            "Samarbete med andra föreningar",
                            "Working with other associations",
                        ),
                    ],
                ),
                q(
                    K.LONG_TEXT,
                    "cooperation",
                    "Mistä yhteistyön kehittäminen pitäisi aloittaa?",
                    "Var borde utvecklingen av samarbetet börja?",
                    "Where should developing the cooperation begin?",
                ),
            ],
        ),
    ],
}

TOPICS = [
    (
        "organisation",
        "Järjestävän organisaation toiminta",
        "Den organiserande organisationens verksamhet",
        "The organising body's work",
    ),
    (
        "principles",
        "Vapaaehtoistoiminnan periaatteet",
        "Principerna för frivilligverksamhet",
        "Principles of volunteering",
    ),
    (
        "agreement",
        "Vapaaehtoisen kanssa tehtävä sopimus",
        "Avtalet med den frivillige",
        "The volunteer agreement",
    ),
    ("travel", "Matkakorvaukset", "Reseersättningar", "Travel claims"),
    (
        "insurance",
        "Vapaaehtoisen vakuutus",
        "Den frivilliges försäkring",
        "The volunteer's insurance",
    ),
    (
        "role",
        "Yhdistysagentin toimenkuva ja tehtävät",
        "Föreningsagentens uppgifter",
        "The agent's role and tasks",
    ),
    ("advocacy", "Kunnallinen vaikuttamistyö", "Kommunalt påverkansarbete", "Municipal advocacy"),
    (
        "mapping",
        "Järjestöyhteistyön tilanne kartoituksen pohjalta",
        "Läget i föreningssamarbetet enligt kartläggningen",
        "The state of cooperation from the mapping",
    ),
]

USEFUL = {
    "low": ("Ei lainkaan hyödyllinen", "Inte alls nyttig", "Not useful at all"),
    "high": ("Erittäin hyödyllinen", "Mycket nyttig", "Very useful"),
}

TRAINING_FEEDBACK = {
    "key": "peruskoulutuksen-palaute",
    "purpose": Purpose.TRAINING_FEEDBACK,
    "title": (
        "Palaute yhdistysagenttien peruskoulutuksesta",
        "Respons på föreningsagenternas grundutbildning",
        "Feedback on the association agents' basic training",
    ),
    "intro": (
        "Koulutuksia kehitetään saadun palautteen pohjalta. Kiitos, että vastaat!",
        "Utbildningarna utvecklas utifrån responsen. Tack för att du svarar!",
        "The trainings are developed on the basis of the feedback. Thank you for answering!",
    ),
    "sections": [
        (
            ("Koulutus", "Utbildningen", "The training"),
            [
                q(
                    K.SCALE,
                    "training",
                    "Kuinka hyödylliseksi koit koulutuksen kokonaisuutena?",
                    "Hur nyttig upplevde du utbildningen som helhet?",
                    "How useful did you find the training as a whole?",
                    required=True,
                    **USEFUL,
                ),
                q(
                    K.MULTIPLE,
                    "training",
                    "Mitkä aiheet olivat sinulle hyödyllisimpiä?",
                    "Vilka ämnen var mest nyttiga för dig?",
                    "Which topics were the most useful to you?",
                    choices=TOPICS,
                ),
                q(
                    K.SCALE,
                    "training",
                    "Kuinka valmiiksi koet itsesi aloittamaan yhdistysagenttina?",
                    "Hur redo känner du dig att börja som föreningsagent?",
                    "How ready do you feel to start as an association agent?",
                    required=True,
                    low=("En lainkaan valmiiksi", "Inte alls redo", "Not ready at all"),
                    high=("Täysin valmiiksi", "Helt redo", "Fully ready"),
                ),
                q(
                    K.YES_NO,
                    "training",
                    "Jäikö jokin asia epäselväksi?",
                    "Förblev något oklart?",
                    "Was anything left unclear?",
                    follow=[follow("yes", K.LONG_TEXT, "Mikä?", "Vad?", "What?")],
                ),
                q(
                    K.NUMBER,
                    "agents",
                    "Kuinka monta yhdistystä arvioit tukevasi ensimmäisen vuoden aikana?",
                    "Hur många föreningar räknar du med att stödja under det första året?",
                    "How many associations do you expect to support during the first year?",
                    min_value=0,
                    max_value=100,
                ),
                q(
                    K.SHORT_TEXT,
                    "training",
                    "Kuvaile koulutusta yhdellä sanalla.",
                    "Beskriv utbildningen med ett ord.",
                    "Describe the training in one word.",
                    max_length=60,
                ),
                q(
                    K.LONG_TEXT,
                    "feedback",
                    "Miten koulutusta pitäisi kehittää?",
                    "Hur borde utbildningen utvecklas?",
                    "How should the training be developed?",
                ),
            ],
        )
    ],
}

SATISFIED = {
    "low": ("Erittäin tyytymätön", "Mycket missnöjd", "Very dissatisfied"),
    "high": ("Erittäin tyytyväinen", "Mycket nöjd", "Very satisfied"),
}

EVALUATION_AGENTS = {
    "key": "arviointi-agentit",
    "purpose": Purpose.EVALUATION_AGENTS,
    "title": (
        "Yhdistysagenttitoiminnan arviointi: yhdistysagentit",
        "Utvärdering av föreningsagentverksamheten: föreningsagenter",
        "Evaluation of association agent work: agents",
    ),
    "intro": (
        "Toimintaa järjestävä organisaatio arvioi toimintaa säännöllisillä palautekyselyillä.",
        "Den organiserande organisationen utvärderar verksamheten med regelbundna enkäter.",
        "The organising body evaluates the work through regular feedback surveys.",
    ),
    "sections": [
        (
            ("Oma toiminta", "Din verksamhet", "Your work"),
            [
                q(
                    K.SCALE,
                    "satisfaction",
                    "Kuinka tyytyväinen olet yhdistysagenttitoimintaan tällä hetkellä?",
                    "Hur nöjd är du med föreningsagentverksamheten just nu?",
                    "How satisfied are you with association agent work at the moment?",
                    required=True,
                    **SATISFIED,
                ),
                q(
                    K.NUMBER,
                    "agents",
                    "Kuinka monta yhdistystä olet tukenut viimeisen puolen vuoden aikana?",
                    "Hur många föreningar har du stött under det senaste halvåret?",
                    "How many associations have you supported in the last six months?",
                    min_value=0,
                    max_value=500,
                ),
                q(
                    K.YES_NO,
                    "liaison",
                    "Toimiiko yhteistyö kunnan järjestöyhdyshenkilön kanssa?",
                    "Fungerar samarbetet med kommunens kontaktperson för föreningar?",
                    "Does cooperation with the municipality's NGO liaison work?",
                    required=True,
                    follow=[
                        follow(
                            "no",
                            K.LONG_TEXT,
                            "Mikä auttaisi?",
                            "Vad skulle hjälpa?",
                            "What would help?",
                        )
                    ],
                ),
                q(
                    K.SCALE,
                    "support",
                    "Saatko riittävästi tukea toimintaa järjestävältä organisaatiolta?",
                    "Får du tillräckligt stöd av den organiserande organisationen?",
                    "Do you get enough support from the organising body?",
                    low=("En lainkaan", "Inte alls", "Not at all"),
                    high=("Riittävästi", "Tillräckligt", "Enough"),
                ),
                q(
                    K.MULTIPLE,
                    "meetings",
                    "Mihin tapaamisiin olet osallistunut?",
                    "Vilka möten har du deltagit i?",
                    "Which meetings have you taken part in?",
                    choices=[
                        ("peer", "Vertaistapaamiset", "Kamratträffar", "Peer meetings"),
                        ("recreation", "Virkistys", "Rekreation", "Recreation"),
                        (
                            "regional",
                            "Alueelliset yhteistyötapaamiset",
                            "Regionala samarbetsmöten",
                            "Regional meetings",
                        ),
                        ("evening", "Yhdistysillat", "Föreningskvällar", "Association evenings"),
                    ],
                ),
                q(
                    K.LONG_TEXT,
                    "feedback",
                    "Mitä toiminnassa pitäisi kehittää?",
                    "Vad borde utvecklas i verksamheten?",
                    "What should be developed in the work?",
                ),
            ],
        )
    ],
}

EVALUATION_LIAISONS = {
    "key": "arviointi-yhdyshenkilot",
    "purpose": Purpose.EVALUATION_LIAISONS,
    "title": (
        "Yhdistysagenttitoiminnan arviointi: järjestöyhdyshenkilöt",
        "Utvärdering av föreningsagentverksamheten: kontaktpersoner",
        "Evaluation of association agent work: NGO liaisons",
    ),
    "intro": EVALUATION_AGENTS["intro"],
    "sections": [
        (
            ("Yhteistyö kunnassa", "Samarbetet i kommunen", "Cooperation in the municipality"),
            [
                q(
                    K.SCALE,
                    "agents",
                    "Kuinka hyödylliseksi koet yhdistysagenttitoiminnan kunnassanne?",
                    "Hur nyttig upplever du föreningsagentverksamheten i er kommun?",
                    "How useful do you find association agent work in your municipality?",
                    required=True,
                    **USEFUL,
                ),
                q(
                    K.SCALE,
                    "cooperation",
                    "Kuinka hyvin yhteistyö yhdistysagentin kanssa toimii?",
                    "Hur väl fungerar samarbetet med föreningsagenten?",
                    "How well does cooperation with the agent work?",
                    **AGREE,
                ),
                q(
                    K.YES_NO,
                    "convened",
                    "Onko kunta kutsunut yhdistykset koolle viimeisen vuoden aikana?",
                    "Har kommunen sammankallat föreningarna under det senaste året?",
                    "Has the municipality convened the associations in the last year?",
                    required=True,
                    follow=[
                        follow(
                            "yes",
                            K.NUMBER,
                            "Kuinka monta kertaa?",
                            "Hur många gånger?",
                            "How many times?",
                            min_value=1,
                            max_value=50,
                        )
                    ],
                ),
                q(
                    K.YES_NO,
                    "lived_experience",
                    "Onko yhdistysten kokemustietoa hyödynnetty kunnan palveluissa?",
                    "Har föreningarnas erfarenhetsbaserade kunskap använts i kommunens tjänster?",
                    "Has the associations' lived experience been used in the municipality's "
                    "services?",
                    follow=[follow("yes", K.LONG_TEXT, *HOW)],
                ),
                q(
                    K.LONG_TEXT,
                    "feedback",
                    "Mitä toiminnassa pitäisi kehittää?",
                    "Vad borde utvecklas i verksamheten?",
                    "What should be developed in the work?",
                ),
            ],
        )
    ],
}


def _criterion(topic, fi, sv, en):
    return q(
        K.SINGLE,
        topic,
        fi,
        sv,
        en,
        required=True,
        choices=CRITERION,
        follow=[
            follow(
                "yes,partly",
                K.LONG_TEXT,
                "Miten tämä näkyy kunnassa?",
                "Hur syns detta i kommunen?",
                "How does this show in the municipality?",
            )
        ],
    )


SELF_ASSESSMENT = {
    "key": "jarjestoystavallinen-kunta",
    "purpose": Purpose.SELF_ASSESSMENT,
    "title": (
        "Järjestöystävällisen kunnan itsearviointi",
        "Självvärdering: en föreningsvänlig kommun",
        "Self-assessment: an NGO-friendly municipality",
    ),
    "intro": (
        "Arvioikaa, miten kunnassanne toteutuvat järjestöystävällisen kunnan seitsemän "
        "kriteeriä. Siltaan jo kirjatut tiedot näkyvät kriteerien vieressä.",
        "Bedöm hur de sju kriterierna för en föreningsvänlig kommun uppfylls i er kommun. "
        "Uppgifter som redan finns i Silta visas bredvid kriterierna.",
        "Assess how the seven criteria of an NGO-friendly municipality are met in your "
        "municipality. What Silta already knows is shown beside the criteria.",
    ),
    "sections": [
        (
            ("Kriteerit", "Kriterier", "Criteria"),
            [
                _criterion(
                    "participation",
                    "Kunta mahdollistaa kuntalaisten aktiivisen osallistumisen.",
                    "Kommunen möjliggör invånarnas aktiva deltagande.",
                    "The municipality enables residents' active participation.",
                ),
                _criterion(
                    "equal_partners",
                    "Kunta tunnistaa yhdistykset tasavertaisina kumppaneina.",
                    "Kommunen erkänner föreningarna som jämbördiga partner.",
                    "The municipality recognises associations as equal partners.",
                ),
                _criterion(
                    "liaison",
                    "Kunta on nimennyt järjestöyhdyshenkilön ja kutsuu yhdistykset "
                    "säännöllisesti koolle.",
                    "Kommunen har utsett en kontaktperson för föreningar och sammankallar "
                    "föreningarna regelbundet.",
                    "The municipality has named an NGO liaison and convenes associations "
                    "regularly.",
                ),
                _criterion(
                    "premises",
                    "Kunta tarjoaa yhdistyksille tiloja maksutta.",
                    "Kommunen erbjuder föreningarna lokaler avgiftsfritt.",
                    "The municipality offers premises to associations free of charge.",
                ),
                _criterion(
                    "grants",
                    "Kunta maksaa yhdistyksille avustuksia.",
                    "Kommunen betalar understöd till föreningar.",
                    "The municipality pays grants to associations.",
                ),
                _criterion(
                    "lived_experience",
                    "Kunta kerää kuntalaisten kokemustietoa ja hyödyntää sitä palveluissaan.",
                    "Kommunen samlar in invånarnas erfarenhetsbaserade kunskap och använder "
                    "den i sina tjänster.",
                    "The municipality collects residents' lived experience and uses it in its "
                    "services.",
                ),
                _criterion(
                    "communication",
                    "Kunta viestii yhdistysten toiminnasta kuntalaisille.",
                    "Kommunen informerar invånarna om föreningarnas verksamhet.",
                    "The municipality communicates association activity to residents.",
                ),
            ],
        )
    ],
}

SHIPPED = [
    MAPPING,
    ASSOCIATIONS_VIEW,
    WORKSHOP,
    TRAINING_FEEDBACK,
    EVALUATION_AGENTS,
    EVALUATION_LIAISONS,
    SELF_ASSESSMENT,
]


def _create_question(m, section, spec, order, parent=None):
    fi, sv, en = spec["text"]
    low = spec.get("low", ("", "", ""))
    high = spec.get("high", ("", "", ""))
    question = m.Question.objects.create(
        section=section,
        order=order,
        kind=spec["kind"],
        text_fi=fi,
        text_sv=sv,
        text_en=en,
        required=spec["required"],
        topic=spec["topic"] or (parent.topic if parent else ""),
        min_value=spec.get("min_value"),
        max_value=spec.get("max_value"),
        max_length=spec.get("max_length"),
        low_label_fi=low[0],
        low_label_sv=low[1],
        low_label_en=low[2],
        high_label_fi=high[0],
        high_label_sv=high[1],
        high_label_en=high[2],
        parent=parent,
        parent_value=spec.get("when", ""),
    )
    choices = spec["choices"] or (YES_NO if spec["kind"] == K.YES_NO else [])
    m.Choice.objects.bulk_create(
        m.Choice(question=question, order=i, value=v, label_fi=lfi, label_sv=lsv, label_en=len_)
        for i, (v, lfi, lsv, len_) in enumerate(choices)
    )
    return question


def create(spec, m=None):
    m = m or _Models
    title, intro = spec["title"], spec["intro"]
    questionnaire = m.Questionnaire.objects.create(
        key=spec["key"],
        purpose=spec["purpose"],
        title_fi=title[0],
        title_sv=title[1],
        title_en=title[2],
        intro_fi=intro[0],
        intro_sv=intro[1],
        intro_en=intro[2],
        is_template=True,
    )
    for s_order, (names, questions) in enumerate(spec["sections"]):
        section = m.Section.objects.create(
            questionnaire=questionnaire,
            order=s_order,
            title_fi=names[0],
            title_sv=names[1],
            title_en=names[2],
        )
        order = 0
        for spec_q in questions:
            parent = _create_question(m, section, spec_q, order)
            order += 1
            for child in spec_q["follow"]:
                _create_question(m, section, child, order, parent=parent)
                order += 1
    return questionnaire


class _Models:
    Questionnaire, Section, Question, Choice = Questionnaire, Section, Question, Choice


@transaction.atomic
def ensure_templates(m=None) -> int:
    """Creates the shipped questionnaires that are missing; returns how many were created.
    `m` gives the model classes (a data migration passes its historical ones)."""
    m = m or _Models
    have = set(m.Questionnaire.objects.filter(key__isnull=False).values_list("key", flat=True))
    created = 0
    for spec in SHIPPED:
        if spec["key"] not in have:
            create(spec, m)
            created += 1
    return created
