"""Texts shared by every page: navigation, roles, windows, KPI names and their explanations."""

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"en": "Commitboard", "nl": "Commitboard"},
    "app_tagline": {
        "en": "Steer on commitment, next to the activity counts.",
        "nl": "Sturen op commitment, naast de activiteitencijfers.",
    },
    "language": {"en": "Language", "nl": "Taal"},
    "page_dashboard": {"en": "Dashboard", "nl": "Dashboard"},
    "page_log_contact": {"en": "Log a contact", "nl": "Contact vastleggen"},
    "page_reflection": {"en": "Reflection", "nl": "Reflectie"},
    "page_training": {"en": "Training", "nl": "Training"},
    "page_import": {"en": "Import", "nl": "Importeren"},
    "demo_banner": {
        "en": "Demo mode: no sign-in is configured, so choose who you act as.",
        "nl": "Demomodus: er is geen inloggen ingesteld, kies dus als wie je werkt.",
    },
    "act_as": {"en": "Act as", "nl": "Werken als"},
    "role_director": {"en": "Commercial director", "nl": "Commercieel directeur"},
    "role_rep": {"en": "Rep", "nl": "Accountmanager"},
    "role_trainer": {"en": "Trainer", "nl": "Trainer"},
    "role_admin": {"en": "Admin", "nl": "Beheerder"},
    "which_rep": {"en": "Which rep", "nl": "Welke accountmanager"},
    "no_value": {"en": "–", "nl": "–"},
    "db_error": {
        "en": "The database cannot be opened: {reason}",
        "nl": "De database kan niet worden geopend: {reason}",
    },
    # Why the database does not open (kpi.db.StoreError.kind), and the way out.
    "db_error_log": {
        "en": "The database `{db}` cannot be opened: the log of its last changes does not replay "
        "(the app or a command was stopped during a change). Run `{command}` on the server: it "
        "sets that log aside (it is kept) and opens the last saved state; then reload this page.",
        "nl": "De database `{db}` kan niet worden geopend: het logboek van de laatste wijzigingen "
        "laat zich niet afspelen (de app of een opdracht werd tijdens een wijziging gestopt). "
        "Voer `{command}` uit op de server: dat zet het logboek opzij (het blijft bewaard) en "
        "opent de laatst opgeslagen stand; laad daarna deze pagina opnieuw.",
    },
    "db_error_damaged": {
        "en": "The database `{db}` cannot be opened: the file is damaged or is not a DuckDB "
        "database. Run `{command}` on the server to see what can be done, or restore a backup.",
        "nl": "De database `{db}` kan niet worden geopend: het bestand is beschadigd of is geen "
        "DuckDB-database. Voer `{command}` uit op de server om te zien wat kan, of zet een "
        "back-up terug.",
    },
    "db_error_newer": {
        "en": "The database `{db}` was made by a newer version of Commitboard: upgrade "
        "Commitboard (`{command}` tells more).",
        "nl": "De database `{db}` is gemaakt door een nieuwere versie van Commitboard: werk "
        "Commitboard bij (`{command}` vertelt meer).",
    },
    "db_error_foreign": {
        "en": "`{db}` is a DuckDB file of another program, not Commitboard's database: point "
        "COMMITBOARD_DB at Commitboard's database (`{command}` tells more).",
        "nl": "`{db}` is een DuckDB-bestand van een ander programma, niet de database van "
        "Commitboard: laat COMMITBOARD_DB naar de database van Commitboard wijzen "
        "(`{command}` vertelt meer).",
    },
    # KPI names and their one-sentence explanations (DOMAIN.md).
    "kpi_contacts": {"en": "Contacts", "nl": "Contactmomenten"},
    "kpi_contacts_help": {
        "en": "Number of contacts logged.",
        "nl": "Aantal vastgelegde contactmomenten.",
    },
    "kpi_calls": {"en": "Calls", "nl": "Telefoontjes"},
    "kpi_calls_help": {"en": "Contacts by phone.", "nl": "Contactmomenten per telefoon."},
    "kpi_appointments": {"en": "Appointments", "nl": "Afspraken"},
    "kpi_appointments_help": {
        "en": "Contacts in which a follow-up meeting was scheduled.",
        "nl": "Contactmomenten waarin een vervolgafspraak is gepland.",
    },
    "kpi_quotes": {"en": "Quotes", "nl": "Offertes"},
    "kpi_quotes_help": {
        "en": "Contacts in which a quote was sent.",
        "nl": "Contactmomenten waarin een offerte is verstuurd.",
    },
    "kpi_revenue": {"en": "Revenue", "nl": "Omzet"},
    "kpi_revenue_help": {
        "en": "Revenue won in these contacts.",
        "nl": "Omzet gewonnen in deze contactmomenten.",
    },
    "kpi_commitment_rate": {"en": "Commitment rate", "nl": "Commitmentratio"},
    "kpi_commitment_rate_help": {
        "en": "Share of contacts in which the customer committed to something (level 1 or higher).",
        "nl": "Aandeel contactmomenten waarin de klant iets toezegde (niveau 1 of hoger).",
    },
    "kpi_advance_rate": {"en": "Advance rate", "nl": "Voortgangsratio"},
    "kpi_advance_rate_help": {
        "en": "Share of contacts with real commitment: the customer acts, opens doors or plans jointly (level 2+).",
        "nl": "Aandeel contactmomenten met echt commitment: de klant onderneemt actie, opent deuren of plant samen (niveau 2+).",
    },
    "kpi_avg_commitment": {"en": "Average level", "nl": "Gemiddeld niveau"},
    "kpi_avg_commitment_help": {
        "en": "Mean commitment level (0 to 4) of the contacts.",
        "nl": "Gemiddeld commitmentniveau (0 tot 4) van de contactmomenten.",
    },
    "kpi_follow_through": {"en": "Follow-through", "nl": "Nagekomen"},
    "kpi_follow_through_help": {
        "en": "Of the commitments marked kept or broken, the share kept.",
        "nl": "Van de commitments die nagekomen of niet nagekomen zijn, het aandeel nagekomen.",
    },
    "kpi_quick_quote_share": {"en": "Quick quotes", "nl": "Snelle offertes"},
    "kpi_quick_quote_share_help": {
        "en": "Share of quotes sent without real commitment (level 2+) on that account in the 90 days before.",
        "nl": "Aandeel offertes verstuurd zonder echt commitment (niveau 2+) bij die klant in de 90 dagen ervoor.",
    },
    "kpi_reflection_rate": {"en": "Reflection rate", "nl": "Reflectieratio"},
    "kpi_reflection_rate_help": {
        "en": "Share of contacts where 'would you do it the same way next time?' was answered.",
        "nl": "Aandeel contactmomenten waarin 'zou je het de volgende keer weer zo doen?' is beantwoord.",
    },
    "kpi_learning_moments": {"en": "Learning moments", "nl": "Leermomenten"},
    "kpi_learning_moments_help": {
        "en": "Contacts the rep would do (partly) differently, or with a lesson written down.",
        "nl": "Contactmomenten die de accountmanager (deels) anders zou doen, of met een geleerde les.",
    },
    "kpi_recorded_share": {"en": "Level recorded", "nl": "Niveau vastgelegd"},
    "kpi_recorded_share_help": {
        "en": "Share of contacts whose commitment level is recorded: the commitment KPIs count only those. Contacts from a CRM export wait for their rep to record it.",
        "nl": "Aandeel contactmomenten waarvan het commitmentniveau is vastgelegd: alleen die tellen mee in de commitment-KPI's. Contactmomenten uit een CRM-export wachten tot hun accountmanager het vastlegt.",
    },
    # The ladder (DOMAIN.md).
    "level_not_recorded": {"en": "Not recorded", "nl": "Niet vastgelegd"},
    "level_0": {"en": "No commitment", "nl": "Geen commitment"},
    "level_0_help": {
        "en": 'Agreed to nothing concrete ("let\'s talk again some time").',
        "nl": 'Niets concreets afgesproken ("we spreken elkaar nog wel eens").',
    },
    "level_1": {"en": "Follow-up agreed", "nl": "Vervolg afgesproken"},
    "level_1_help": {
        "en": "Agreed a concrete next contact, with a date.",
        "nl": "Een concreet vervolgcontact afgesproken, met een datum.",
    },
    "level_2": {"en": "Customer acts", "nl": "Klant onderneemt actie"},
    "level_2_help": {
        "en": "Does something between contacts: investigates internally, gathers data, shares documents.",
        "nl": "Doet iets tussen de contacten: zoekt intern iets uit, verzamelt gegevens, deelt documenten.",
    },
    "level_3": {"en": "Access", "nl": "Toegang"},
    "level_3_help": {
        "en": "Opens doors: introduces decision makers, invites you to present to management or the board.",
        "nl": "Opent deuren: introduceert beslissers, nodigt je uit om te presenteren aan management of directie.",
    },
    "level_4": {"en": "Joint plan", "nl": "Gezamenlijk plan"},
    "level_4_help": {
        "en": "Commits to a joint plan, pilot or buying process with owners and dates.",
        "nl": "Committeert zich aan een gezamenlijk plan, pilot of aankoopproces met eigenaren en data.",
    },
    "question_commitment": {
        "en": "Which commitment did you realise in this contact?",
        "nl": "Welk commitment heb je gerealiseerd in dit contact?",
    },
    "question_repeat": {
        "en": "Would you do it the same way next time?",
        "nl": "Zou je het de volgende keer weer zo doen?",
    },
    # Values of the contact log's enums, as people read them.
    "channel_phone": {"en": "Phone", "nl": "Telefoon"},
    "channel_visit": {"en": "Visit", "nl": "Bezoek"},
    "channel_video": {"en": "Video", "nl": "Video"},
    "channel_email": {"en": "E-mail", "nl": "E-mail"},
    "channel_event": {"en": "Event", "nl": "Evenement"},
    "channel_social": {"en": "Social", "nl": "Social"},
    "contact_role_staff": {"en": "Staff", "nl": "Medewerker"},
    "contact_role_manager": {"en": "Manager", "nl": "Manager"},
    "contact_role_decision_maker": {"en": "Decision maker", "nl": "Beslisser"},
    "contact_role_board": {"en": "Board", "nl": "Directie"},
    "repeat_yes": {"en": "Yes", "nl": "Ja"},
    "repeat_partly": {"en": "Partly", "nl": "Deels"},
    "repeat_no": {"en": "No", "nl": "Nee"},
    "status_open": {"en": "Open", "nl": "Open"},
    "status_kept": {"en": "Kept", "nl": "Nagekomen"},
    "status_broken": {"en": "Broken", "nl": "Niet nagekomen"},
}
