"""Texts for signing in, the roles and the roster page."""

TEXTS: dict[str, dict[str, str]] = {
    # signing in
    "auth_title": {"en": "Sign in to Commitboard", "nl": "Inloggen bij Commitboard"},
    "auth_caption": {
        "en": "Commitboard holds your team's contact notes. Sign in with your work account to "
        "see what your role may see.",
        "nl": "Commitboard bevat de contactnotities van je team. Log in met je werkaccount om "
        "te zien wat jouw rol mag zien.",
    },
    "auth_sign_in": {"en": "Sign in", "nl": "Inloggen"},
    "auth_sign_out": {"en": "Sign out", "nl": "Uitloggen"},
    "auth_signed_in_as": {
        "en": "Signed in as {name} ({role})",
        "nl": "Ingelogd als {name} ({role})",
    },
    "auth_not_on_roster": {
        "en": "You are signed in as {email}, but that address is not on the team roster, so "
        "Commitboard shows you nothing. Ask an admin to add you, then sign in again.",
        "nl": "Je bent ingelogd als {email}, maar dat adres staat niet in het teamoverzicht. "
        "Commitboard laat je daarom niets zien. Vraag een beheerder je toe te voegen en log "
        "daarna opnieuw in.",
    },
    "auth_no_email": {
        "en": "Your sign-in did not tell Commitboard your e-mail address, so it cannot find you "
        "on the roster. Ask your admin to include the e-mail claim (see the README).",
        "nl": "Bij het inloggen is je e-mailadres niet meegegeven, dus Commitboard kan je niet "
        "vinden in het teamoverzicht. Vraag je beheerder de e-mailclaim mee te sturen (zie de "
        "README).",
    },
    "auth_denied": {
        "en": "This is not something your role may see.",
        "nl": "Dit mag jouw rol niet zien.",
    },
    # the roster page
    "page_roster": {"en": "Team roster", "nl": "Teamoverzicht"},
    "ros_caption": {
        "en": "Who may use Commitboard and as what: e-mail, name, team and role. Every change "
        "is logged below.",
        "nl": "Wie Commitboard mag gebruiken en als wat: e-mail, naam, team en rol. Elke "
        "wijziging staat hieronder in het logboek.",
    },
    "ros_people": {"en": "People ({count})", "nl": "Mensen ({count})"},
    "ros_empty": {
        "en": "Nobody is on the roster yet. Add the first person below, or load a file with "
        "`python -m kpi roster FILE`.",
        "nl": "Er staat nog niemand in het teamoverzicht. Voeg hieronder de eerste persoon toe, "
        "of laad een bestand met `python -m kpi roster BESTAND`.",
    },
    "ros_add": {"en": "Add a person", "nl": "Persoon toevoegen"},
    "ros_edit": {"en": "Change or remove a person", "nl": "Persoon wijzigen of verwijderen"},
    "ros_pick": {"en": "Person", "nl": "Persoon"},
    "ros_email": {"en": "E-mail (as they sign in)", "nl": "E-mail (waarmee ze inloggen)"},
    "ros_name": {"en": "Name", "nl": "Naam"},
    "ros_team": {"en": "Team", "nl": "Team"},
    "ros_role": {"en": "Role", "nl": "Rol"},
    "ros_add_button": {"en": "Add", "nl": "Toevoegen"},
    "ros_save_button": {"en": "Save changes", "nl": "Wijzigingen opslaan"},
    "ros_remove_button": {"en": "Remove from roster", "nl": "Verwijderen uit overzicht"},
    "ros_remove_confirm": {
        "en": "Remove {email}? Their contacts stay; they can no longer sign in.",
        "nl": "{email} verwijderen? Hun contactmomenten blijven; inloggen kan dan niet meer.",
    },
    "ros_added": {"en": "{email} is on the roster.", "nl": "{email} staat in het overzicht."},
    "ros_changed": {"en": "{email} is changed.", "nl": "{email} is gewijzigd."},
    "ros_unchanged": {"en": "Nothing changed.", "nl": "Er is niets gewijzigd."},
    "ros_removed": {"en": "{email} is removed.", "nl": "{email} is verwijderd."},
    "ros_err_email_invalid": {
        "en": "Enter an e-mail address, like anna@example.nl.",
        "nl": "Vul een e-mailadres in, zoals anna@voorbeeld.nl.",
    },
    "ros_err_name_empty": {"en": "Enter a name.", "nl": "Vul een naam in."},
    "ros_err_role_invalid": {"en": "Pick a role.", "nl": "Kies een rol."},
    "ros_err_exists": {
        "en": "{email} is already on the roster; change them below.",
        "nl": "{email} staat al in het overzicht; wijzig die persoon hieronder.",
    },
    "ros_err_not_found": {
        "en": "{email} is no longer on the roster.",
        "nl": "{email} staat niet meer in het overzicht.",
    },
    "ros_err_last_admin": {
        "en": "{email} is the last admin. Make someone else admin first, or nobody can manage "
        "the roster.",
        "nl": "{email} is de laatste beheerder. Maak eerst iemand anders beheerder, anders kan "
        "niemand het overzicht meer beheren.",
    },
    "ros_log": {"en": "Change log", "nl": "Logboek"},
    "ros_log_empty": {"en": "No changes yet.", "nl": "Nog geen wijzigingen."},
    "ros_col_when": {"en": "When", "nl": "Wanneer"},
    "ros_col_by": {"en": "By", "nl": "Door"},
    "ros_col_action": {"en": "What", "nl": "Wat"},
    "ros_col_email": {"en": "Person", "nl": "Persoon"},
    "ros_col_before": {"en": "Before", "nl": "Voor"},
    "ros_col_after": {"en": "After", "nl": "Na"},
    "ros_action_add": {"en": "added", "nl": "toegevoegd"},
    "ros_action_change": {"en": "changed", "nl": "gewijzigd"},
    "ros_action_remove": {"en": "removed", "nl": "verwijderd"},
    "ros_action_replace": {"en": "roster replaced", "nl": "overzicht vervangen"},
    "ros_no_team": {"en": "(no team)", "nl": "(geen team)"},
}
