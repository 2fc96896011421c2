"""Demo contacts that tell the story (box tickers next to relationship builders), made in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from kpi import rollups
from kpi.db import bump_version, reserve, transaction
from kpi.fields import ENUMS, LEVELS

Progress = Callable[[float, str], None]
K = TypeVar("K", bound=Hashable)

BATCH = 1_000_000  # contacts per INSERT statement (and per progress call)
SLOTS = 1000  # resolution of the weighted picks: per mille
DAYS = 365  # contacts fall on today - 364 ... today
MIN_ACCOUNTS = 50
MAX_ACCOUNTS = 50_000
CONTACTS_PER_ACCOUNT = 20  # accounts = contacts // 20, between MIN_ and MAX_ACCOUNTS
# Past-due commitments nobody updated yet ("overdue"), per mille: due in the last 30 days / older.
RECENT_OPEN_PM = 250
OLD_OPEN_PM = 15
NOTES_PM = 300  # contacts with a note
DOMAIN = "prospex.example"


# ---------------------------------------------------------------------------------------------
# Who is on the team and how they work.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How a kind of rep works; every *_pm value is a chance per mille, tuples are by level 0..4."""

    name: str
    own_pm: int  # contacts on the rep's own accounts (the rest: any account)
    focus_pm: int  # share of the own accounts the rep actually works
    channels: Mapping[str, float]
    caps: Mapping[int, float]  # highest level reachable on accounts this rep owns
    levels_early: Mapping[int, float]  # commitment level drawn at the start of the year ...
    levels_late: Mapping[int, float]  # ... and at its end (mixed linearly in between)
    appointment_pm: tuple[int, int, int, int, int]
    quote_pm: tuple[int, int, int, int, int]
    quote_amount: tuple[int, int]
    revenue_early_pm: tuple[int, int, int, int, int]
    revenue_late_pm: tuple[int, int, int, int, int]
    revenue_amount: tuple[int, int]
    revenue_growth: float  # order size at the end of the year is (1 + growth) times the start
    repeat_level0: Mapping[str | None, float]  # would_repeat after a contact at level 0
    repeat_level1: Mapping[str | None, float]  # ... and at level 1 or higher
    reflection_pm: tuple[int, int]  # a reflection when would_repeat is yes / partly or no
    lesson_pm: tuple[int, int, int, int]  # a lesson when would_repeat is yes, partly, no, empty
    training_pm: tuple[int, int]  # shared for training: with a lesson / level 3+ without one
    kept_pm: int  # past-due commitments that were kept (the rest: broken, a few open)


BOX_TICKER = Profile(
    name="box_ticker",
    own_pm=800,
    focus_pm=1000,
    channels={"phone": 70, "email": 15, "video": 5, "visit": 5, "social": 4, "event": 1},
    caps={1: 55, 2: 25, 3: 12, 4: 8},
    levels_early={0: 72, 1: 23, 2: 3.5, 3: 1, 4: 0.5},
    levels_late={0: 70, 1: 24, 2: 4, 3: 1.5, 4: 0.5},
    appointment_pm=(120, 800, 500, 500, 500),
    quote_pm=(350, 400, 300, 300, 300),
    quote_amount=(750, 7500),
    revenue_early_pm=(15, 30, 60, 80, 100),
    revenue_late_pm=(15, 30, 60, 80, 100),
    revenue_amount=(400, 5000),
    revenue_growth=0.0,
    repeat_level0={"yes": 45, "partly": 8, "no": 2, None: 45},
    repeat_level1={"yes": 50, "partly": 8, "no": 2, None: 40},
    reflection_pm=(20, 450),
    lesson_pm=(10, 120, 250, 5),
    training_pm=(100, 15),
    kept_pm=580,
)

BUILDER = Profile(
    name="builder",
    own_pm=950,
    focus_pm=600,
    channels={"visit": 40, "video": 25, "phone": 20, "email": 7, "event": 5, "social": 3},
    caps={2: 10, 3: 30, 4: 60},
    levels_early={0: 25, 1: 35, 2: 25, 3: 10, 4: 5},
    levels_late={0: 10, 1: 20, 2: 30, 3: 25, 4: 15},
    appointment_pm=(30, 850, 550, 600, 650),
    quote_pm=(20, 40, 120, 300, 450),
    quote_amount=(8000, 60000),
    revenue_early_pm=(0, 5, 15, 30, 60),
    revenue_late_pm=(5, 20, 80, 180, 300),
    revenue_amount=(6000, 40000),
    revenue_growth=0.8,
    repeat_level0={"yes": 40, "partly": 38, "no": 14, None: 8},
    repeat_level1={"yes": 62, "partly": 24, "no": 6, None: 8},
    reflection_pm=(60, 850),
    lesson_pm=(30, 350, 600, 10),
    training_pm=(300, 80),
    kept_pm=820,
)

MIDDLE = Profile(
    name="middle",
    own_pm=880,
    focus_pm=800,
    channels={"phone": 40, "visit": 25, "video": 15, "email": 12, "event": 4, "social": 4},
    caps={1: 25, 2: 30, 3: 25, 4: 20},
    levels_early={0: 48, 1: 30, 2: 15, 3: 5, 4: 2},
    levels_late={0: 40, 1: 30, 2: 19, 3: 8, 4: 3},
    appointment_pm=(60, 800, 500, 550, 600),
    quote_pm=(120, 150, 200, 300, 350),
    quote_amount=(3000, 30000),
    revenue_early_pm=(5, 15, 40, 80, 120),
    revenue_late_pm=(5, 20, 60, 120, 180),
    revenue_amount=(2000, 20000),
    revenue_growth=0.3,
    repeat_level0={"yes": 55, "partly": 20, "no": 7, None: 18},
    repeat_level1={"yes": 62, "partly": 15, "no": 5, None: 18},
    reflection_pm=(40, 700),
    lesson_pm=(15, 250, 450, 5),
    training_pm=(200, 40),
    kept_pm=720,
)


@dataclass(frozen=True)
class Rep:
    first: str
    last: str  # with a lowercase tussenvoegsel: "de Jong"
    team: str
    profile: Profile
    weight: float  # how many contacts the rep logs, relative to the others

    @property
    def email(self) -> str:
        return f"{self.first}.{self.last.replace(' ', '')}@{DOMAIN}".lower()

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


REPS: tuple[Rep, ...] = (
    Rep("Sanne", "de Jong", "Team Noord", BUILDER, 1.0),
    Rep("Bas", "Hendriks", "Team Noord", BOX_TICKER, 3.2),
    Rep("Femke", "Visser", "Team Noord", BUILDER, 1.1),
    Rep("Joris", "Bakker", "Team Noord", BOX_TICKER, 2.8),
    Rep("Lotte", "Mulder", "Team Noord", MIDDLE, 1.8),
    Rep("Daan", "Smit", "Team Noord", BOX_TICKER, 3.0),
    Rep("Eva", "van Dijk", "Team Zuid", BUILDER, 0.9),
    Rep("Ruben", "Meijer", "Team Zuid", BOX_TICKER, 2.6),
    Rep("Noor", "de Vries", "Team Zuid", BUILDER, 1.0),
    Rep("Thijs", "Bos", "Team Zuid", MIDDLE, 1.6),
    Rep("Anouk", "Peters", "Team Zuid", BUILDER, 1.2),
    Rep("Milan", "Janssens", "Team Zuid", MIDDLE, 2.0),
)

# (email, name, team, role) of the people on the roster who are not reps.
OTHERS: tuple[tuple[str, str, str | None, str], ...] = (
    (f"directeur@{DOMAIN}", "Willem van den Heuvel", None, "director"),
    (f"marloes.kuipers@{DOMAIN}", "Marloes Kuipers", None, "trainer"),
)


# ---------------------------------------------------------------------------------------------
# Words: accounts, people and what they say.
# ---------------------------------------------------------------------------------------------

SURNAMES: tuple[str, ...] = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems",
    "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
    "Prins", "Blom", "Huisman", "Peeters", "de Koning", "van Wijk", "Kuipers", "Postma", "Timmermans",
    "Wouters", "Lammers", "Verbeek", "Kramer",
)  # fmt: skip

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Bram", "Chantal", "Dennis", "Esther", "Frank", "Gerda", "Hans", "Ingrid", "Jeroen",
    "Karin", "Leon", "Marieke", "Niels", "Olga", "Pieter", "Renate", "Sander", "Tessa", "Ivo",
    "Wendy", "Martijn", "Yvonne", "Erik", "Linda", "Rob", "Saskia", "Jasper", "Monique", "Koen",
    "Annemiek", "Wouter", "Ilse", "Henk", "Mirjam", "Stefan", "Petra", "Gijs", "Nicole", "Ton",
    "Fleur", "Maarten", "Joyce", "Remco",
)  # fmt: skip

SECTORS: tuple[str, ...] = (
    "Logistiek", "Techniek", "Bouw", "Installaties", "Metaal", "Transport", "Vastgoed", "Advies",
    "Automatisering", "Food", "Verpakkingen", "Kunststoffen", "Machinebouw", "Elektro",
    "Groothandel", "Print", "Interieur", "Zorg", "Staalbouw", "Koeltechniek", "Agro", "Dakwerken",
    "Infra", "Installatietechniek", "Facilitair", "Schoonmaak", "Beveiliging", "Recycling",
    "Tuinbouw", "Hout",
)  # fmt: skip

LEGAL: tuple[str, ...] = ("B.V.", "B.V.", "Holding B.V.", "& Partners", "Groep")

TRADES: tuple[str, ...] = (
    "Bakkerij", "Installatiebedrijf", "Drukkerij", "Schildersbedrijf", "Aannemersbedrijf",
    "Transportbedrijf", "Hoveniersbedrijf", "Autobedrijf", "Timmerfabriek", "Metaalbewerking",
    "Kwekerij", "Slagerij", "Loonbedrijf", "Adviesbureau", "Accountantskantoor", "Meubelmakerij",
    "Veehandel", "Bouwbedrijf", "Elektrotechniek", "Tegelhandel", "Houthandel", "Wijnhandel",
    "Koffiebranderij", "Brouwerij", "Garagebedrijf",
)  # fmt: skip

FAMILY: tuple[str, ...] = ("& Zn.", "& Zonen", "B.V.", "en Dochters")

ADJECTIVES: tuple[str, ...] = (
    "Gouden", "Witte", "Blauwe", "Rode", "Groene", "Oude", "Nieuwe", "Zilveren", "Vrolijke",
    "Hollandse", "Zwarte", "Stille",
)  # fmt: skip

NOUNS: tuple[str, ...] = (
    "Korenschoof", "Molen", "Zwaan", "Leeuw", "Vaart", "Ster", "Poort", "Haven", "Brug", "Eik",
    "Linde", "Hoeve", "Kroon", "Toren", "Dijk",
)  # fmt: skip

CITIES: tuple[str, ...] = (
    "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
    "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zwolle",
    "Leeuwarden", "Maastricht", "Dordrecht", "Leiden", "Zoetermeer", "Deventer", "Delft", "Venlo",
    "Helmond", "Hengelo", "Assen", "Emmen", "Alkmaar", "Heerenveen", "Roosendaal", "Veenendaal",
    "Drachten", "Meppel", "Harderwijk", "Gouda", "Oss", "Weert", "Sneek", "Tiel", "Zutphen",
)  # fmt: skip

CONTACT_ROLES: tuple[str, ...] = tuple(ENUMS["role"])  # staff, manager, decision_maker, board

# Which of an account's people (0 staff, 1 manager, 2 decision maker, 3 board) a rep talks to,
# by the commitment level the contact reached.
PERSON_BY_LEVEL: tuple[Mapping[int, float], ...] = (
    {0: 60, 1: 35, 2: 5},
    {0: 40, 1: 45, 2: 15},
    {0: 15, 1: 50, 2: 35},
    {1: 10, 2: 55, 3: 35},
    {2: 50, 3: 50},
)

# Days between the contact and the commitment's due date, by level 1..4: (first, how many).
DUE_FIRST: tuple[int, ...] = (2, 5, 7, 14)
DUE_SPAN: tuple[int, ...] = (20, 26, 39, 62)

MONTHS_NL: tuple[str, ...] = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip

# What the customer committed to, by level 1..4; "{datum}" becomes the due date ("12 maart").
COMMITMENTS: tuple[tuple[str, ...], ...] = (
    (
        "Vervolgafspraak op {datum} ingepland",
        "Klant belt terug op {datum}, na het interne overleg",
        "Nieuw gesprek op {datum} met dezelfde contactpersoon",
        "Videocall op {datum} afgesproken om de openstaande vragen door te lopen",
        "Bezoek op locatie gepland voor {datum}",
        "Klant wil op {datum} verder praten over de planning",
        "Terugbelafspraak op {datum} staat in beide agenda's",
        "Afspraak op {datum} om de aanpak samen door te nemen",
    ),
    (
        "Klant zoekt intern uit hoeveel orders er per week handmatig worden verwerkt",
        "Klant verzamelt de faalkosten van het afgelopen jaar",
        "Contactpersoon legt onze aanpak voor aan het MT en koppelt terug",
        "Klant stuurt de huidige contracten en SLA's door",
        "Klant brengt in kaart hoeveel uur de planning nu per week kost",
        "Klant vraagt bij inkoop de volumes per vestiging op",
        "Klant deelt de uitkomsten van het klanttevredenheidsonderzoek",
        "Klant zoekt uit wie er intern over het budget beslist",
        "Klant zet de knelpunten op papier en stuurt ze vooraf toe",
    ),
    (
        "Introductie bij de directeur, presentatie in het volgende MT-overleg",
        "Uitgenodigd om onze inzichten aan de directie te presenteren",
        "Klant regelt een kennismaking met de financieel directeur",
        "Mag aanschuiven bij het kwartaaloverleg met de eigenaren",
        "Contactpersoon introduceert ons bij de operationeel manager van de andere vestiging",
        "Rondleiding op de werkvloer met het hoofd productie afgesproken",
        "Klant nodigt de beslissers uit voor een gezamenlijke workshop",
    ),
    (
        "Gezamenlijk pilotplan met eigenaren en data",
        "Pilot van drie maanden op één vestiging, met meetpunten en eigenaren vastgelegd",
        "Samen een implementatieplan opgesteld, met data en verantwoordelijken",
        "Inkooptraject gestart: planning, beslissers en criteria zijn afgestemd",
        "Directie tekent voor een proefperiode, evaluatiemoment staat in de agenda",
        "Gezamenlijk verbeterplan voor de logistiek, wekelijkse voortgang met de eigenaar",
    ),
)

# What the rep would do differently (after would_repeat = partly or no).
REFLECTIONS: tuple[str, ...] = (
    "Te snel een offerte gestuurd; volgende keer eerst de beslisser betrekken.",
    "Ik heb vooral zelf gepraat. Volgende keer meer vragen stellen over hun situatie.",
    "De klant stemde in, maar zonder datum. Volgende keer meteen een concrete afspraak maken.",
    "Ik had me beter moeten voorbereiden op hun jaarcijfers.",
    "Met de verkeerde persoon gesproken; eerst uitzoeken wie er echt beslist.",
    "Ik ging te snel naar de prijs. Beter eerst het probleem scherp krijgen.",
    "Geen huiswerk voor de klant afgesproken, daardoor bleef het vrijblijvend.",
    "Telefonisch was dit te complex; een bezoek was beter geweest.",
    "Ik heb toegezegd iets uit te zoeken, maar de klant zelf niets laten doen.",
    "De mail was te lang. Volgende keer kort bellen en één vraag stellen.",
    "Ik heb de bezwaren niet uitgevraagd; nu weet ik niet waar het echt zit.",
    "Ik wilde de afspraak koste wat kost halen en heb te weinig geluisterd.",
    "Te veel tegelijk willen bespreken; één onderwerp was sterker geweest.",
    "Ik had de inkoper moeten vragen om ons aan de gebruikers voor te stellen.",
    "De offerte kwam voordat we wisten wat hun probleem kost. Zonde.",
    "Ik liet me afschepen met 'stuur maar wat informatie'. Volgende keer vragen waarom.",
    "Ik had de vorige afspraken niet nagelezen en stelde dezelfde vragen opnieuw.",
    "Ik ben niet teruggekomen op de toezegging van vorige keer; zo verwaterde het.",
)

# What went well (after would_repeat = yes).
GOOD_REFLECTIONS: tuple[str, ...] = (
    "Goed voorbereid met hun eigen cijfers; dat opende het gesprek.",
    "Door de vraag 'wat kost dit u nu?' ging de klant zelf rekenen.",
    "Bewust geen offerte gestuurd maar eerst de directeur erbij gehaald. Dat werkte.",
    "Samen met de klant de volgende stap opgeschreven, met datum en eigenaar.",
    "Op locatie gekeken in plaats van gebeld; zo zag ik het echte probleem.",
    "Een vergelijkbare klant als voorbeeld genoemd; dat gaf vertrouwen.",
)

LESSONS: tuple[str, ...] = (
    "Een offerte zonder commitment is een prijsvergelijking. Eerst de vraag achter de vraag.",
    "Vraag altijd: wie beslist hier nog meer over?",
    "Spreek huiswerk af voor de klant, niet alleen voor jezelf.",
    "Een 'ja' zonder datum is geen commitment.",
    "Stuur na elk gesprek dezelfde dag een korte samenvatting met de afspraken.",
    "Als de klant tussen twee gesprekken niets onderneemt, is er nog geen echte interesse.",
    "Bel niet om 'even bij te praten'; bel met een inzicht over hun situatie.",
    "Bij twijfel liever een bezoek dan een offerte.",
    "Laat de klant zelf uitrekenen wat het probleem kost; dan wordt het hun probleem.",
    "Een fout bespreken in het team leverde drie nieuwe ideeën op.",
    "Vraag gewoon om een introductie bij de directie als het gesprek goed loopt.",
    "Prijsdruk verdwijnt als de klant zelf de waarde heeft gezien.",
    "Vraag de toezegging van de klant in de volgende afspraak als eerste terug.",
    "Vul het probleem niet zelf in; laat de klant het in eigen woorden zeggen.",
    "Praat met de gebruiker én de beslisser: de één kent het probleem, de ander het budget.",
    "Een pilot werkt alleen met eigenaren en data; anders blijft het een proef zonder einde.",
    "Mijn beste gesprekken begonnen met een vraag, niet met een presentatie.",
    "Durf nee te zeggen tegen een offerteaanvraag die nergens heen gaat.",
    "Luisteren levert meer op dan een scherpe prijs.",
    "Fouten delen in de training maakt het voor iedereen makkelijker om te leren.",
)

NOTES: tuple[str, ...] = (
    "Klant werkt nu met een concurrent; het contract loopt eind dit jaar af.",
    "Secretariaat vangt de telefoon af; beter de contactpersoon zelf mailen.",
    "Contactpersoon gaat na de zomer met pensioen; opvolger nog onbekend.",
    "Reorganisatie bij de klant; besluiten liggen tijdelijk stil.",
    "Klant noemde budget voor het volgende kwartaal.",
    "Interesse in de nieuwe dienst, maar eerst intern afstemmen.",
    "Gesprek liep uit; veel vragen over de implementatie.",
    "Klant vroeg om referenties uit dezelfde branche.",
    "Een vestiging gaat dicht; de volumes verschuiven naar de andere locatie.",
    "Sinds deze maand een nieuwe inkoper.",
    "Ontmoet op de beurs; kende ons via een collega.",
    "Klant vindt ons te duur, maar ziet de kwaliteit.",
    "Afspraak verzet op verzoek van de klant.",
    "De directeur schoof onverwacht aan bij het gesprek.",
)


# ---------------------------------------------------------------------------------------------
# SQL. Every pseudo-random choice is a draw u from the row number and the seed (same seed, same
# data): b = hash(row, seed) >> 8, then u = hash(b + k) >> 2 for draw number k, as a bigint.
# Only a one-argument hash of a spread-out value gives independent draws: DuckDB's hash(a, b, k)
# mixes its arguments weakly (measured: hash(i, seed, 1) % 8 determines hash(i, seed, 2) % 8).
# u % 1000 is a per-mille draw, compared with cut points; u // 1000 % n a second, independent
# pick from the same draw. The modulo stays in bigint (unsigned hash % n would be hugeint: slow).
# The per-rep and per-level numbers live in two tiny temp tables of plain columns, joined once
# each: lists carried along millions of rows would be slow.
# ---------------------------------------------------------------------------------------------

CHANNELS: tuple[str, ...] = tuple(ENUMS["channel"])  # phone, visit, video, email, event, social
REPEATS: tuple[str | None, ...] = (*ENUMS["repeat"], None)  # yes, partly, no, not answered

_REPS_TABLE = """
create or replace temp table demo_gen_reps (
    rep_idx integer, email varchar, email_key varchar, own_pm integer, focus_pm integer,
    cap1 integer, cap2 integer, cap3 integer,
    ch1 integer, ch2 integer, ch3 integer, ch4 integer, ch5 integer,
    early1 integer, early2 integer, early3 integer, early4 integer,
    late1 integer, late2 integer, late3 integer, late4 integer,
    quote_lo integer, quote_span integer, rev_lo integer, rev_span integer, rev_growth double,
    reflection_yes integer, reflection_other integer,
    lesson_yes integer, lesson_partly integer, lesson_no integer, lesson_none integer,
    training_lesson integer, training_top integer, kept_pm integer
)
"""

_LEVELS_TABLE = """
create or replace temp table demo_gen_levels (
    rep_idx integer, lvl integer, appointment_pm integer, quote_pm integer,
    rev_early integer, rev_late integer, person1 integer, person2 integer, person3 integer,
    repeat1 integer, repeat2 integer, repeat3 integer, due_first integer, due_span integer,
    text_first integer, text_count integer
)
"""

# Candidate names from four patterns; the first `accounts` distinct ones (by key) are kept.
_ACCOUNTS_TABLE = """
create or replace temp table demo_gen_accounts as
with cand as (
    select
        c,
        b,
        (hash(b + 1) >> 2)::bigint % 4 as pattern,
        list_extract($surnames, 1 + (hash(b + 2) >> 2)::bigint % len($surnames)) as sur,
        list_extract($sectors, 1 + (hash(b + 3) >> 2)::bigint % len($sectors)) as sector,
        list_extract($legal, 1 + (hash(b + 4) >> 2)::bigint % len($legal)) as legal,
        list_extract($trades, 1 + (hash(b + 5) >> 2)::bigint % len($trades)) as trade,
        list_extract($family, 1 + (hash(b + 6) >> 2)::bigint % len($family)) as family,
        list_extract($adjectives, 1 + (hash(b + 7) >> 2)::bigint % len($adjectives)) as adj,
        list_extract($nouns, 1 + (hash(b + 8) >> 2)::bigint % len($nouns)) as noun,
        list_extract($cities, 1 + (hash(b + 9) >> 2)::bigint % len($cities)) as city
    from (select c, (hash(c, $seed) >> 8)::bigint as b from range($candidates) t(c))
),
named as (
    select
        c,
        b,
        case pattern
            when 0 then upper(sur[1]) || sur[2:] || ' ' || sector || ' ' || legal
            when 1 then trade || ' De ' || adj || ' ' || noun
            when 2 then trade || ' ' || upper(sur[1]) || sur[2:] || ' ' || family
            else upper(sur[1]) || sur[2:] || ' ' || sector || ' ' || city
        end as name
    from cand
),
uniq as (
    select c, b, name from named
    qualify row_number() over (partition by lower(trim(name)) order by c) = 1
    order by c
    limit $accounts
),
numbered as (
    select
        (row_number() over (order by c) - 1)::bigint as idx,
        name,
        (hash(b + 10) >> 2)::bigint % 1000 as u_cap,
        (hash(b + 11) >> 2)::bigint % 2 as u_people
    from uniq
)
select
    n.idx,
    n.name,
    lower(trim(n.name)) as key,
    1 + (n.u_cap >= r.cap1)::integer + (n.u_cap >= r.cap2)::integer
        + (n.u_cap >= r.cap3)::integer as cap,
    (3 + n.u_people)::integer as people
from numbered n
join demo_gen_reps r on r.rep_idx = n.idx % $reps
"""

_INSERT_CONTACTS = """
insert into contacts (
    id, contact_id, contact_date, rep, rep_key, account, account_key, contact_person, contact_role,
    channel, appointment_planned, quote_sent, quote_amount, revenue, commitment_level,
    commitment, commitment_due, commitment_status, would_repeat, reflection, lesson,
    share_for_training, notes, source, file_id, line
)
with
bases as (
    select i, (hash(i, $seed) >> 8)::bigint as b from range($lo, $hi) t(i)
),
draws as (
    select
        i,
        (hash(b + 1) >> 2)::bigint as u_rep,
        (hash(b + 2) >> 2)::bigint as u_day,
        (hash(b + 3) >> 2)::bigint as u_weekend,
        (hash(b + 4) >> 2)::bigint as u_account,
        (hash(b + 5) >> 2)::bigint as u_level,
        (hash(b + 6) >> 2)::bigint as u_appointment,
        (hash(b + 7) >> 2)::bigint as u_quote,
        (hash(b + 8) >> 2)::bigint as u_revenue,
        (hash(b + 9) >> 2)::bigint as u_due,
        (hash(b + 10) >> 2)::bigint as u_person,
        (hash(b + 11) >> 2)::bigint as u_repeat,
        (hash(b + 12) >> 2)::bigint as u_lesson,
        (hash(b + 13) >> 2)::bigint as u_blank,
        (hash(b + 14) >> 2)::bigint as u_channel,
        (hash(b + 15) >> 2)::bigint as u_amount,
        (hash(b + 16) >> 2)::bigint as u_text,
        (hash(b + 17) >> 2)::bigint as u_status,
        (hash(b + 18) >> 2)::bigint as u_reflection,
        (hash(b + 19) >> 2)::bigint as u_training,
        (hash(b + 20) >> 2)::bigint as u_notes
    from bases
),
picked as (
    select
        *,
        list_extract($rep_slots, 1 + u_rep % 1000) as rep_idx,
        $start + (u_day % $days)::integer as d0
    from draws
),
placed as (
    select
        p.*,
        r.* exclude (rep_idx),
        -- most weekend contacts move to a weekday of the same week (the next one at the start)
        case
            when isodow(p.d0) >= 6 and p.u_weekend % 1000 < 900 then
                p.d0 - (isodow(p.d0) - 5)::integer - (p.u_weekend // 1000 % 5)::integer
            else p.d0
        end as d1,
        -- own accounts are rep_idx, rep_idx + reps, ...; a rep works the first focus_pm of them
        case
            when p.u_account % 1000 < r.own_pm then
                p.rep_idx + $reps * (p.u_account // 1000 % greatest(
                    1, (($accounts - 1 - p.rep_idx) // $reps + 1) * r.focus_pm // 1000
                ))
            else p.u_account // 1000 % $accounts
        end as acc_idx
    from picked p
    join demo_gen_reps r on r.rep_idx = p.rep_idx
),
dated as (
    select
        x.*,
        case when x.d1 < $start then x.d1 + 7 else x.d1 end as contact_date,
        ((case when x.d1 < $start then x.d1 + 7 else x.d1 end) - $start) / ($days - 1) as t
    from placed x
),
leveled as (
    select
        d.*,
        a.name as account,
        a.key as account_key,
        a.people,
        -- the level's cut points move from the early to the late profile over the year
        least(a.cap,
            (d.u_level % 1000 >= d.early1 + (d.late1 - d.early1) * d.t)::integer
            + (d.u_level % 1000 >= d.early2 + (d.late2 - d.early2) * d.t)::integer
            + (d.u_level % 1000 >= d.early3 + (d.late3 - d.early3) * d.t)::integer
            + (d.u_level % 1000 >= d.early4 + (d.late4 - d.early4) * d.t)::integer
        ) as lvl
    from dated d
    join demo_gen_accounts a on a.idx = d.acc_idx
),
acted as (
    select
        l.*,
        v.* exclude (rep_idx, lvl),
        l.u_appointment % 1000 < v.appointment_pm as appointment_planned,
        l.u_quote % 1000 < v.quote_pm as quote_sent,
        l.u_revenue % 1000 < v.rev_early + (v.rev_late - v.rev_early) * l.t as has_revenue,
        case when l.lvl >= 1 then
            l.contact_date + (v.due_first + l.u_due % v.due_span)::integer
        end as commitment_due,
        least(
            (l.u_person % 1000 >= v.person1)::integer
            + (l.u_person % 1000 >= v.person2)::integer
            + (l.u_person % 1000 >= v.person3)::integer,
            l.people - 1
        ) as person_no,
        list_extract($repeats, 1
            + (l.u_repeat % 1000 >= v.repeat1)::integer
            + (l.u_repeat % 1000 >= v.repeat2)::integer
            + (l.u_repeat % 1000 >= v.repeat3)::integer
        ) as would_repeat
    from leveled l
    join demo_gen_levels v on v.rep_idx = l.rep_idx and v.lvl = l.lvl
),
learned as (
    select
        *,
        u_lesson % 1000 < case would_repeat
            when 'yes' then lesson_yes
            when 'partly' then lesson_partly
            when 'no' then lesson_no
            else lesson_none
        end as has_lesson,
        case when commitment_due >= $today - 30 then $recent_open_pm else $old_open_pm end
            as open_pm,
        -- the same person of the same account has the same name in every contact
        (hash((hash(acc_idx, $seed) >> 8)::bigint + person_no) >> 2)::bigint as u_name
    from acted
)
select
    -- One contact per number of range(0, contacts): ids $base + 1 ... $base + contacts.
    $base + i + 1,
    null,
    contact_date,
    email,
    email_key,
    account,
    account_key,
    case when u_blank % 1000 >= 20 then
        list_extract($first_names, 1 + u_name % len($first_names))
        || ' ' || list_extract($surnames, 1 + u_name // 1000 % len($surnames))
    end,
    case when u_blank // 1000 % 1000 >= 30 then list_extract($roles, 1 + person_no) end,
    list_extract($channels, 1
        + (u_channel % 1000 >= ch1)::integer
        + (u_channel % 1000 >= ch2)::integer
        + (u_channel % 1000 >= ch3)::integer
        + (u_channel % 1000 >= ch4)::integer
        + (u_channel % 1000 >= ch5)::integer
    ),
    appointment_planned,
    quote_sent,
    case when quote_sent then
        round((quote_lo + u_amount % quote_span) / 50) * 50
    end::decimal(18, 2),
    case when has_revenue then
        round((rev_lo + u_amount // 1000000 % rev_span) * (1 + rev_growth * t), -1)
    end::decimal(18, 2),
    lvl,
    case
        when lvl = 1 then replace(
            list_extract($commitments, text_first + u_text % text_count),
            '{datum}',
            day(commitment_due)::varchar || ' ' || list_extract($months, month(commitment_due))
        )
        when lvl >= 2 then list_extract($commitments, text_first + u_text % text_count)
    end,
    commitment_due,
    case
        when lvl = 0 then null
        when commitment_due >= $today then 'open'
        when u_status % 1000 < open_pm then 'open'
        when u_status % 1000 < open_pm + kept_pm * (1000 - open_pm) // 1000 then 'kept'
        else 'broken'
    end,
    would_repeat,
    case
        when would_repeat = 'yes' and u_reflection % 1000 < reflection_yes then
            list_extract($good_reflections, 1 + u_reflection // 1000 % len($good_reflections))
        when would_repeat in ('partly', 'no') and u_reflection % 1000 < reflection_other then
            list_extract($reflections, 1 + u_reflection // 1000 % len($reflections))
    end,
    case when has_lesson then
        list_extract($lessons, 1 + u_lesson // 1000 % len($lessons))
    end,
    case
        when has_lesson then u_training % 1000 < training_lesson
        when lvl >= 3 then u_training % 1000 < training_top
        else false
    end,
    case when u_notes % 1000 < $notes_pm then
        list_extract($notes, 1 + u_notes // 1000 % len($notes))
    end,
    'demo',
    null,
    null
from learned
"""


def _slots(weights: Mapping[K, float], size: int = SLOTS) -> list[K]:
    """`size` values laid out in proportion to their weights (largest remainder), for hash picks."""
    total = sum(weights.values())
    exact = [(key, weight * size / total) for key, weight in weights.items()]
    counts = {key: int(share) for key, share in exact}
    by_remainder = sorted(exact, key=lambda ks: ks[1] - int(ks[1]), reverse=True)
    for key, _ in by_remainder[: size - sum(counts.values())]:
        counts[key] += 1
    return [key for key, _ in exact for _ in range(counts[key])]


def _cuts(weights: Mapping[K, float], order: Sequence[K]) -> list[int]:
    """Per-mille cut points between the values of `order`: a draw u in 0..999 picks value number
    sum(u >= cut), so each value gets a share of 0..999 in proportion to its weight."""
    unknown = set(weights) - set(order)
    if unknown:
        raise ValueError(f"weights for values outside {order}: {unknown}")
    total = sum(weights.values())
    cuts: list[int] = []
    running = 0.0
    for key in order[:-1]:
        running += weights.get(key, 0)
        cuts.append(round(running * SLOTS / total))
    return cuts


def account_count(contacts: int) -> int:
    """How many demo accounts go with that many contacts."""
    return min(MAX_ACCOUNTS, max(MIN_ACCOUNTS, contacts // CONTACTS_PER_ACCOUNT))


def roster_rows() -> list[tuple[str, str, str | None, str]]:
    """The demo roster: (email, name, team, role) of every rep, the director and the trainer."""
    return [(r.email, r.name, r.team, "rep") for r in REPS] + list(OTHERS)


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds no contacts at all."""
    row = con.execute("select exists (select 1 from contacts)").fetchone()
    return not (row and row[0])


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The per-rep and per-(rep, level) numbers as two small temp tables."""
    con.execute(_REPS_TABLE)
    con.execute(_LEVELS_TABLE)
    reps: list[list[object]] = []
    levels: list[list[object]] = []
    text_first = [1 + sum(len(t) for t in COMMITMENTS[:k]) for k in range(len(COMMITMENTS))]
    for idx, rep in enumerate(REPS):
        p = rep.profile
        reps.append(
            [idx, rep.email, rep.email.strip().lower(), p.own_pm, p.focus_pm]
            + _cuts(p.caps, (1, 2, 3, 4))
            + _cuts(p.channels, CHANNELS)
            + _cuts(p.levels_early, LEVELS)
            + _cuts(p.levels_late, LEVELS)
            + [p.quote_amount[0], p.quote_amount[1] - p.quote_amount[0]]
            + [p.revenue_amount[0], p.revenue_amount[1] - p.revenue_amount[0], p.revenue_growth]
            + list(p.reflection_pm)
            + list(p.lesson_pm)
            + list(p.training_pm)
            + [p.kept_pm]
        )
        for lvl in LEVELS:
            levels.append(
                [idx, lvl, p.appointment_pm[lvl], p.quote_pm[lvl]]
                + [p.revenue_early_pm[lvl], p.revenue_late_pm[lvl]]
                + _cuts(PERSON_BY_LEVEL[lvl], (0, 1, 2, 3))
                + _cuts(p.repeat_level0 if lvl == 0 else p.repeat_level1, REPEATS)
                + ([DUE_FIRST[lvl - 1], DUE_SPAN[lvl - 1]] if lvl else [0, 1])
                + ([text_first[lvl - 1], len(COMMITMENTS[lvl - 1])] if lvl else [1, 1])
            )
    con.executemany(f"insert into demo_gen_reps values ({', '.join('?' * len(reps[0]))})", reps)
    con.executemany(
        f"insert into demo_gen_levels values ({', '.join('?' * len(levels[0]))})", levels
    )


def _create_accounts(con: duckdb.DuckDBPyConnection, seed: int, accounts: int) -> int:
    con.execute(
        _ACCOUNTS_TABLE,
        {
            "seed": seed,
            "candidates": 4 * accounts,
            "accounts": accounts,
            "reps": len(REPS),
            "surnames": list(SURNAMES),
            "sectors": list(SECTORS),
            "legal": list(LEGAL),
            "trades": list(TRADES),
            "family": list(FAMILY),
            "adjectives": list(ADJECTIVES),
            "nouns": list(NOUNS),
            "cities": list(CITIES),
        },
    )
    row = con.execute("select count(*) from demo_gen_accounts").fetchone()
    made = int(row[0]) if row else 0
    if made < len(REPS):
        raise RuntimeError(f"only {made} distinct demo account names; need at least {len(REPS)}")
    return made


def _add_roster(con: duckdb.DuckDBPyConnection) -> None:
    """Add the demo people to the roster, leaving anyone already on it as they are."""
    known = {row[0] for row in con.execute("select email_key from roster").fetchall()}
    new = [row for row in roster_rows() if row[0].strip().lower() not in known]
    if new:
        con.executemany(
            "insert into roster (email, email_key, name, team, role) "
            "values (?, lower(trim(?)), ?, ?, ?)",
            [(email, email, name, team, role) for email, name, team, role in new],
        )


def _drop_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("demo_gen_accounts", "demo_gen_levels", "demo_gen_reps"):
        con.execute(f"drop table if exists {table}")  # our own names: identifiers cannot be bound


def generate(
    con: duckdb.DuckDBPyConnection,
    contacts: int = 20000,
    seed: int = 42,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> int:
    """Insert `contacts` demo contacts (source 'demo') over the 12 months up to `today`, and the
    demo people on the roster, and their rollups, in one transaction; returns the
    number of contacts inserted.

    Same seed and same today give the same data. Everything is computed inside DuckDB, in
    batches of BATCH contacts, calling progress(fraction, "demo") after each batch.
    """
    if contacts < 0:
        raise ValueError("contacts must be 0 or more")
    today = today or dt.date.today()
    start = today - dt.timedelta(days=DAYS - 1)
    cur = con.cursor()

    def work(c: duckdb.DuckDBPyConnection) -> int:
        _add_roster(c)
        inserted = 0
        if contacts:
            _create_tables(c)
            accounts = _create_accounts(c, seed, account_count(contacts))
            params: dict[str, object] = {
                "seed": seed,
                "today": today,
                "start": start,
                "days": DAYS,
                "reps": len(REPS),
                "accounts": accounts,
                "rep_slots": _slots({idx: rep.weight for idx, rep in enumerate(REPS)}),
                "recent_open_pm": RECENT_OPEN_PM,
                "old_open_pm": OLD_OPEN_PM,
                "notes_pm": NOTES_PM,
                "channels": list(CHANNELS),
                "repeats": list(REPEATS),
                "roles": list(CONTACT_ROLES),
                "first_names": list(FIRST_NAMES),
                "surnames": list(SURNAMES),
                "months": list(MONTHS_NL),
                "commitments": [text for texts in COMMITMENTS for text in texts],
                "reflections": list(REFLECTIONS),
                "good_reflections": list(GOOD_REFLECTIONS),
                "lessons": list(LESSONS),
                "notes": list(NOTES),
            }
            params["base"] = reserve(c, "contact_id", contacts)
            for lo in range(0, contacts, BATCH):
                hi = min(lo + BATCH, contacts)
                row = c.execute(_INSERT_CONTACTS, params | {"lo": lo, "hi": hi}).fetchone()
                inserted += int(row[0]) if row else 0
                if progress is not None:
                    progress(hi / contacts, "demo")
            _drop_tables(c)
            # Counted in the same transaction, so the rollups never lag the contacts.
            if rollups.installed(c):
                rollups.recount(c)
        bump_version(c)
        return inserted

    try:
        return int(transaction(cur, work))
    finally:
        cur.close()
