"""Texts of the log contact page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {
    "log_caption": {
        "en": "Log each contact right after it happens: what the customer committed to, "
        "and whether you would do it the same way next time.",
        "nl": "Leg elk contactmoment direct vast: waartoe de klant zich committeerde, "
        "en of je het de volgende keer weer zo zou doen.",
    },
    "log_as": {"en": "Logging as {name}.", "nl": "Je legt vast als {name}."},
    "log_rep_label": {"en": "Rep", "nl": "Accountmanager"},
    "log_rep_placeholder": {
        "en": "Choose a rep or type a new one",
        "nl": "Kies een accountmanager of typ een nieuwe",
    },
    "log_rep_help": {
        "en": "Demo mode: the director logs on behalf of a rep.",
        "nl": "Demomodus: de directeur legt vast namens een accountmanager.",
    },
    "log_pick_rep_first": {
        "en": "Choose a rep above to see their open commitments and recent contacts.",
        "nl": "Kies hierboven een accountmanager om de open commitments en recente "
        "contactmomenten te zien.",
    },
    # Sections of the form.
    "log_section_contact": {"en": "The contact", "nl": "Het contactmoment"},
    "log_section_activity": {"en": "Activity", "nl": "Activiteit"},
    "log_section_commitment": {"en": "Commitment", "nl": "Commitment"},
    "log_section_reflection": {"en": "Reflection", "nl": "Reflectie"},
    "log_account_placeholder": {
        "en": "Choose an account or type a new one",
        "nl": "Kies een klant of typ een nieuwe",
    },
    "log_account_help": {
        "en": "Your own accounts come first. Type a name that is not in the list to add it.",
        "nl": "Je eigen klanten staan bovenaan. Typ een naam die niet in de lijst staat om "
        "hem toe te voegen.",
    },
    "log_role_help": {
        "en": "The role of the person you spoke (optional).",
        "nl": "De rol van de persoon die je sprak (optioneel).",
    },
    "log_appointment_help": {
        "en": "A follow-up meeting was scheduled in this contact.",
        "nl": "In dit contact is een vervolgafspraak gepland.",
    },
    "log_optional": {"en": "optional", "nl": "optioneel"},
    "log_quote_amount_help": {
        "en": "The amount of the quote, when you sent one.",
        "nl": "Het bedrag van de offerte, als je er een verstuurde.",
    },
    "log_revenue_help": {
        "en": "Revenue won in this contact (an order).",
        "nl": "Omzet gewonnen in dit contact (een order).",
    },
    "log_level_help": {
        "en": "Pick the highest step the customer actually took or agreed to, not what you hope for.",
        "nl": "Kies de hoogste stap die de klant echt zette of toezegde, niet waar je op hoopt.",
    },
    "log_commitment_placeholder": {
        "en": "In your own words: what will the customer do, and when?",
        "nl": "In je eigen woorden: wat gaat de klant doen, en wanneer?",
    },
    "log_commitment_help": {
        "en": "Required from level 1 up.",
        "nl": "Verplicht vanaf niveau 1.",
    },
    "log_due_help": {
        "en": "When the customer said they would do it (optional).",
        "nl": "Wanneer de klant zei het te doen (optioneel).",
    },
    "log_status_help": {
        "en": "Did the customer do what they committed to?",
        "nl": "Heeft de klant gedaan wat hij toezegde?",
    },
    "log_repeat_help": {
        "en": "Optional. Click a chosen answer again to clear it.",
        "nl": "Optioneel. Klik nogmaals op een gekozen antwoord om het te wissen.",
    },
    "log_reflection_label": {
        "en": "What would you do differently?",
        "nl": "Wat zou je anders doen?",
    },
    "log_lesson_label": {
        "en": "Lesson learned",
        "nl": "Geleerde les",
    },
    "log_lesson_help": {
        "en": "A mistake and what you learned from it. Mistakes are welcome when they teach something.",
        "nl": "Een fout en wat je ervan leerde. Fouten zijn welkom als ze iets opleveren.",
    },
    "log_share_help": {
        "en": "Offer this contact as a story for the training sessions.",
        "nl": "Bied dit contactmoment aan als verhaal voor de trainingen.",
    },
    "log_save": {"en": "Save contact", "nl": "Contactmoment opslaan"},
    "log_not_saved": {
        "en": "Not saved: {count} problem(s) to fix. Nothing you typed is lost.",
        "nl": "Niet opgeslagen: {count} punt(en) om te verbeteren. Wat je typte blijft staan.",
    },
    "log_saved": {
        "en": "Saved: contact with {account} at level {level}.",
        "nl": "Opgeslagen: contactmoment met {account} op niveau {level}.",
    },
    # Open commitments.
    "log_waiting_title": {
        "en": "Waiting for the two questions",
        "nl": "Wachten op de twee vragen",
    },
    "log_waiting_caption": {
        "en": "{count} of your contacts came from the CRM without a commitment level. Add what the customer committed to and whether you would do it the same way; the rest of the contact stays as the CRM has it.",
        "nl": "{count} van je contactmomenten kwamen uit het CRM zonder commitmentniveau. Vul aan wat de klant toezegde en of je het weer zo zou doen; de rest van het contactmoment blijft zoals het CRM het heeft.",
    },
    "log_waiting_more": {
        "en": "The newest {shown} are shown here.",
        "nl": "De nieuwste {shown} staan hier.",
    },
    "log_waiting_open": {"en": "Add commitment", "nl": "Commitment invullen"},
    "log_waiting_save": {"en": "Save commitment", "nl": "Commitment opslaan"},
    "log_waiting_saved": {
        "en": "Recorded: {account} at level {level}.",
        "nl": "Vastgelegd: {account} op niveau {level}.",
    },
    "log_level_choose": {
        "en": "Not recorded yet: choose the level the customer reached.",
        "nl": "Nog niet vastgelegd: kies het niveau dat de klant bereikte.",
    },
    "log_open_title": {"en": "My open commitments", "nl": "Mijn open commitments"},
    "log_open_caption": {
        "en": "{count} open. Did the customer do what they committed to? Mark it.",
        "nl": "{count} open. Heeft de klant gedaan wat hij toezegde? Geef het aan.",
    },
    "log_open_empty": {
        "en": "No open commitments. Commitments you log from level 1 up appear here.",
        "nl": "Geen open commitments. Commitments die je vastlegt vanaf niveau 1 verschijnen hier.",
    },
    "log_due_on": {"en": "due {date}", "nl": "deadline {date}"},
    "log_overdue": {"en": "overdue since {date}", "nl": "verlopen sinds {date}"},
    "log_no_due": {"en": "no due date", "nl": "geen deadline"},
    "log_logged_on": {"en": "Logged on {date}", "nl": "Vastgelegd op {date}"},
    "log_kept": {"en": "Kept", "nl": "Nagekomen"},
    "log_broken": {"en": "Broken", "nl": "Niet nagekomen"},
    "log_marked_kept": {
        "en": "Marked as kept: {account}.",
        "nl": "Gemarkeerd als nagekomen: {account}.",
    },
    "log_marked_broken": {
        "en": "Marked as broken: {account}.",
        "nl": "Gemarkeerd als niet nagekomen: {account}.",
    },
    "log_marked_already": {
        "en": "Someone else already marked this commitment: {status}. Nothing was changed.",
        "nl": "Iemand anders heeft dit commitment al gemarkeerd: {status}. Er is niets gewijzigd.",
    },
    "log_conflict": {
        "en": "{account} was being changed by someone else at the same moment, so nothing was "
        "marked. Look at the commitment again and mark it once more.",
        "nl": "{account} werd op hetzelfde moment door iemand anders gewijzigd, dus er is niets "
        "gemarkeerd. Bekijk het commitment opnieuw en markeer het nog een keer.",
    },
    "log_gone": {
        "en": "This contact no longer exists; someone else deleted it.",
        "nl": "Dit contactmoment bestaat niet meer; iemand anders heeft het verwijderd.",
    },
    # Recent contacts.
    "log_recent_title": {"en": "My recent contacts", "nl": "Mijn recente contactmomenten"},
    "log_recent_empty": {
        "en": "No contacts yet. Log your first one with the form above.",
        "nl": "Nog geen contactmomenten. Leg je eerste vast met het formulier hierboven.",
    },
    "log_edit_pick": {
        "en": "Edit or delete a contact",
        "nl": "Contactmoment wijzigen of verwijderen",
    },
    "log_edit_placeholder": {"en": "Choose a contact", "nl": "Kies een contactmoment"},
    "log_edit_save": {"en": "Save changes", "nl": "Wijzigingen opslaan"},
    "log_edit_saved": {
        "en": "Changes saved: {account}.",
        "nl": "Wijzigingen opgeslagen: {account}.",
    },
    "log_delete": {"en": "Delete this contact", "nl": "Dit contactmoment verwijderen"},
    "log_delete_confirm": {
        "en": "Delete this contact for good? This cannot be undone.",
        "nl": "Dit contactmoment definitief verwijderen? Dit kan niet ongedaan worden gemaakt.",
    },
    "log_delete_yes": {"en": "Yes, delete", "nl": "Ja, verwijderen"},
    "log_delete_no": {"en": "Cancel", "nl": "Annuleren"},
    "log_deleted": {
        "en": "Deleted: contact with {account}.",
        "nl": "Verwijderd: contactmoment met {account}.",
    },
    # Allowed values of the enum fields (DOMAIN.md), as people read them.
}
