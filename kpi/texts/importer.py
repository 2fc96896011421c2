"""Texts of the import page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {
    "imp_caption": {
        "en": "Bring contacts in from a CSV or Excel file, fix the rows that were rejected, or download the whole contact log.",
        "nl": "Lees contactmomenten in uit een CSV- of Excelbestand, herstel de afgewezen regels, of download het hele contactlogboek.",
    },
    # The file format.
    "imp_format": {
        "en": "Which columns a file needs",
        "nl": "Welke kolommen een bestand nodig heeft",
    },
    "imp_format_caption": {
        "en": "The first row holds the column names, in English or Dutch. Columns not in this list are ignored. Separator: comma, semicolon or tab; UTF-8 or Windows-1252.",
        "nl": "De eerste regel bevat de kolomnamen, in het Engels of Nederlands. Kolommen die hier niet staan worden genegeerd. Scheidingsteken: komma, puntkomma of tab; UTF-8 of Windows-1252.",
    },
    "imp_col_column": {"en": "Column", "nl": "Kolom"},
    "imp_col_dutch": {"en": "Dutch name", "nl": "Nederlandse naam"},
    "imp_col_label": {"en": "Meaning", "nl": "Betekenis"},
    "imp_col_required": {"en": "Required", "nl": "Verplicht"},
    "imp_col_values": {"en": "Values", "nl": "Waarden"},
    "imp_required_yes": {"en": "yes", "nl": "ja"},
    "imp_required_no": {"en": "no", "nl": "nee"},
    # Upload and preview.
    "imp_upload": {"en": "Contact log file", "nl": "Bestand met contactmomenten"},
    "imp_upload_help": {
        "en": "A .csv (or .txt) or .xlsx file; the first sheet of a workbook is read.",
        "nl": "Een .csv- (of .txt-) of .xlsx-bestand; van een werkmap wordt het eerste blad gelezen.",
    },
    "imp_start": {
        "en": "Choose a CSV or Excel file above to see its first rows before you import it.",
        "nl": "Kies hierboven een CSV- of Excelbestand om de eerste regels te zien voordat je het importeert.",
    },
    "imp_unreadable": {
        "en": "{name} cannot be imported: {reason}. Nothing was saved.",
        "nl": "{name} kan niet worden geïmporteerd: {reason}. Er is niets opgeslagen.",
    },
    "imp_preview": {"en": "Preview", "nl": "Voorbeeld"},
    "imp_preview_caption": {
        "en": "The first {rows} rows of {name}, as the file holds them; the import checks every row.",
        "nl": "De eerste {rows} regels van {name}, zoals ze in het bestand staan; de import controleert elke regel.",
    },
    "imp_recognised": {"en": "Columns recognised: {cols}", "nl": "Herkende kolommen: {cols}"},
    "imp_ignored": {
        "en": "These columns are not part of the contact log and will be ignored: {cols}",
        "nl": "Deze kolommen horen niet bij het contactlogboek en worden genegeerd: {cols}",
    },
    "imp_go": {"en": "Import", "nl": "Importeren"},
    "imp_stage_reading": {"en": "Reading the file…", "nl": "Bestand lezen…"},
    "imp_stage_validating": {"en": "Checking every row…", "nl": "Elke regel controleren…"},
    "imp_stage_writing": {"en": "Saving…", "nl": "Opslaan…"},
    "imp_stage_done": {"en": "Done", "nl": "Klaar"},
    "imp_stage_skipped": {"en": "Done", "nl": "Klaar"},
    # The result.
    "imp_result_title": {"en": "Result: {name}", "nl": "Resultaat: {name}"},
    "imp_skipped": {
        "en": "{name} was imported before (the same content); nothing changed. Change the file to import it again.",
        "nl": "{name} is al eerder geïmporteerd (dezelfde inhoud); er is niets veranderd. Pas het bestand aan om het opnieuw te importeren.",
    },
    "imp_summary": {
        "en": "Rows read: {read} · Accepted: {accepted} (updated: {updated}) · Rejected: {rejected}",
        "nl": "Regels gelezen: {read} · Geaccepteerd: {accepted} (bijgewerkt: {updated}) · Afgewezen: {rejected}",
    },
    "imp_metric_read": {"en": "Rows read", "nl": "Regels gelezen"},
    "imp_metric_read_help": {
        "en": "Every non-empty row under the header: accepted plus rejected (plus, in a CRM's export, the rows that are not a contact).",
        "nl": "Elke niet-lege regel onder de kopregel: geaccepteerd plus afgewezen (plus, in een CRM-export, de regels die geen contactmoment zijn).",
    },
    "imp_metric_accepted": {"en": "Accepted", "nl": "Geaccepteerd"},
    "imp_metric_accepted_help": {
        "en": "Rows saved as contacts, new ones and updated ones.",
        "nl": "Regels opgeslagen als contactmoment, nieuwe en bijgewerkte.",
    },
    "imp_metric_updated": {"en": "Updated", "nl": "Bijgewerkt"},
    "imp_metric_updated_help": {
        "en": "Accepted rows whose contact_id was already known: that contact was updated, not added again.",
        "nl": "Geaccepteerde regels met een bekend contact_id: dat contactmoment is bijgewerkt, niet opnieuw toegevoegd.",
    },
    "imp_metric_not_contacts": {"en": "Not a contact", "nl": "Geen contactmoment"},
    "imp_metric_not_contacts_help": {
        "en": "Activities of the CRM export that were no conversation with a customer (a call not answered, a meeting still planned or cancelled, a task): counted apart, not saved.",
        "nl": "Activiteiten uit de CRM-export die geen gesprek met een klant waren (een onbeantwoorde belpoging, een nog geplande of geannuleerde afspraak, een taak): apart geteld, niet opgeslagen.",
    },
    "imp_not_contacts": {
        "en": "Not a contact: {kinds}.",
        "nl": "Geen contactmoment: {kinds}.",
    },
    "imp_layout": {
        "en": "Recognised as an activity export of {crm}. Commitment levels are not recorded in it: reps add them on the log page.",
        "nl": "Herkend als activiteitenexport uit {crm}. Commitmentniveaus staan er niet in: accountmanagers vullen ze aan op de logpagina.",
    },
    "imp_kind_unmapped_status": {
        "en": "with a status the mapping does not list",
        "nl": "met een status die de koppeling niet kent",
    },
    "imp_layout_mapping": {
        "en": "Read with the saved mapping {name}. Contacts without a commitment level wait for their rep on the log page.",
        "nl": "Gelezen met de opgeslagen koppeling {name}. Contactmomenten zonder commitmentniveau wachten op hun accountmanager op de logpagina.",
    },
    # Mapping another layout's columns (kpi/mapping.py).
    "imp_map_title": {"en": "Map the columns", "nl": "Kolommen koppelen"},
    "imp_map_caption": {
        "en": "Commitboard does not know these columns. Say once what each one holds, check the preview and save the mapping under a name: the next file with the same columns is read with it, without asking.",
        "nl": "Commitboard kent deze kolommen niet. Geef één keer aan wat elke kolom bevat, controleer het voorbeeld en bewaar de koppeling onder een naam: het volgende bestand met dezelfde kolommen wordt daarmee gelezen, zonder te vragen.",
    },
    "imp_map_leave_out": {"en": "— leave out —", "nl": "— niet gebruiken —"},
    "imp_map_target_subject": {
        "en": "Subject (into the notes)",
        "nl": "Onderwerp (in de notities)",
    },
    "imp_map_target_status": {"en": "Done or planned", "nl": "Gedaan of gepland"},
    "imp_map_target_channel": {
        "en": "Activity type (channel)",
        "nl": "Soort activiteit (kanaal)",
    },
    "imp_map_fixed_channel": {
        "en": "No column says the channel: every row is",
        "nl": "Geen kolom geeft het kanaal: elke regel is",
    },
    "imp_map_types": {
        "en": "What each activity type in {column} is",
        "nl": "Wat elke soort activiteit in {column} is",
    },
    "imp_map_types_help": {
        "en": "A type that is no conversation with a customer is counted apart as not a contact. A type that a later file brings and this list lacks is not a contact either.",
        "nl": "Een soort die geen gesprek met een klant is, wordt apart geteld als geen contactmoment. Een soort die een later bestand brengt en hier niet staat, is ook geen contactmoment.",
    },
    "imp_map_statuses": {
        "en": "What each value in {column} means",
        "nl": "Wat elke waarde in {column} betekent",
    },
    "imp_map_type_task": {"en": "Not a contact: task", "nl": "Geen contactmoment: taak"},
    "imp_map_type_note": {"en": "Not a contact: note", "nl": "Geen contactmoment: notitie"},
    "imp_map_type_deadline": {
        "en": "Not a contact: deadline",
        "nl": "Geen contactmoment: deadline",
    },
    "imp_map_type_other_activity": {
        "en": "Not a contact: other",
        "nl": "Geen contactmoment: overig",
    },
    "imp_map_status_done": {"en": "Done: a contact", "nl": "Gedaan: een contactmoment"},
    "imp_map_status_planned": {
        "en": "Planned: not a contact yet",
        "nl": "Gepland: nog geen contactmoment",
    },
    "imp_map_status_cancelled": {
        "en": "Cancelled: not a contact",
        "nl": "Geannuleerd: geen contactmoment",
    },
    "imp_map_dates": {"en": "Dates like 03/05/2026 are", "nl": "Datums als 03/05/2026 zijn"},
    "imp_map_day_first": {"en": "day first (3 May)", "nl": "dag eerst (3 mei)"},
    "imp_map_month_first": {"en": "month first (March 5)", "nl": "maand eerst (5 maart)"},
    "imp_map_preview": {
        "en": "The first {rows} rows as they would be imported",
        "nl": "De eerste {rows} regels zoals ze geïmporteerd zouden worden",
    },
    "imp_map_outcome_contact": {"en": "contact", "nl": "contactmoment"},
    "imp_map_outcome_not_contact": {
        "en": "not a contact: {kind}",
        "nl": "geen contactmoment: {kind}",
    },
    "imp_map_outcome_rejected": {"en": "rejected", "nl": "afgewezen"},
    "imp_map_col_outcome": {"en": "Outcome", "nl": "Uitkomst"},
    "imp_map_incomplete": {
        "en": "Map a column to each of {fields} to see the preview and save.",
        "nl": "Koppel een kolom aan elk van {fields} om het voorbeeld te zien en op te slaan.",
    },
    "imp_map_twice": {
        "en": "Two columns are mapped to {field}: choose one.",
        "nl": "Twee kolommen zijn gekoppeld aan {field}: kies er één.",
    },
    "imp_map_name": {"en": "Name of the mapping", "nl": "Naam van de koppeling"},
    "imp_map_name_placeholder": {
        "en": "e.g. Our CRM's activities",
        "nl": "bijv. Activiteiten uit ons CRM",
    },
    "imp_map_save": {"en": "Save mapping", "nl": "Koppeling opslaan"},
    "imp_map_name_missing": {
        "en": "Give the mapping a name first.",
        "nl": "Geef de koppeling eerst een naam.",
    },
    "imp_map_saved": {
        "en": "Mapping {name} saved: this file and the next ones with the same columns are read with it.",
        "nl": "Koppeling {name} opgeslagen: dit bestand en de volgende met dezelfde kolommen worden ermee gelezen.",
    },
    "imp_map_recognised": {
        "en": "Read with the saved mapping {name}.",
        "nl": "Wordt gelezen met de opgeslagen koppeling {name}.",
    },
    "imp_map_list_title": {"en": "Saved mappings", "nl": "Opgeslagen koppelingen"},
    "imp_map_list_empty": {
        "en": "No mappings saved yet. A file with columns Commitboard does not know asks for one.",
        "nl": "Nog geen koppelingen opgeslagen. Een bestand met kolommen die Commitboard niet kent, vraagt erom.",
    },
    "imp_map_col_name": {"en": "Name", "nl": "Naam"},
    "imp_map_col_columns": {"en": "Columns", "nl": "Kolommen"},
    "imp_map_col_saved_by": {"en": "Saved by", "nl": "Opgeslagen door"},
    "imp_map_col_saved_at": {"en": "Saved at", "nl": "Opgeslagen op"},
    "imp_map_remove_pick": {"en": "Mapping to remove", "nl": "Koppeling om te verwijderen"},
    "imp_map_remove": {"en": "Remove mapping", "nl": "Koppeling verwijderen"},
    "imp_map_removed": {
        "en": "Mapping {name} removed. The contacts imported with it stay.",
        "nl": "Koppeling {name} verwijderd. De contactmomenten die ermee zijn geïmporteerd blijven.",
    },
    "imp_kind_call_attempt": {"en": "call attempts", "nl": "belpogingen"},
    "imp_kind_planned": {"en": "planned", "nl": "gepland"},
    "imp_kind_cancelled": {"en": "cancelled", "nl": "geannuleerd"},
    "imp_kind_task": {"en": "tasks", "nl": "taken"},
    "imp_kind_note": {"en": "notes", "nl": "notities"},
    "imp_kind_deadline": {"en": "deadlines", "nl": "deadlines"},
    "imp_kind_mass_email": {"en": "mass e-mails", "nl": "massamails"},
    "imp_kind_other_activity": {"en": "other activities", "nl": "overige activiteiten"},
    "imp_metric_rejected": {"en": "Rejected", "nl": "Afgewezen"},
    "imp_metric_rejected_help": {
        "en": "Rows that break a rule; none is dropped or guessed. Fix them and import them again.",
        "nl": "Regels die een regel overtreden; niets wordt weggelaten of gegokt. Herstel ze en importeer ze opnieuw.",
    },
    "imp_all_accepted": {
        "en": "Every row was accepted.",
        "nl": "Alle regels zijn geaccepteerd.",
    },
    "imp_rejects_title": {"en": "Rejected rows", "nl": "Afgewezen regels"},
    "imp_rejects_caption": {
        "en": "Download them, fix the reasons in Excel and upload the file again; the columns starting with _ are ignored then.",
        "nl": "Download ze, herstel de redenen in Excel en upload het bestand opnieuw; de kolommen die met _ beginnen worden dan genegeerd.",
    },
    "imp_rejects_more": {
        "en": "The first {shown} of {total} are shown; the download holds all of them.",
        "nl": "De eerste {shown} van {total} staan hier; de download bevat ze allemaal.",
    },
    "imp_rejects_download": {
        "en": "Download rejected rows (CSV)",
        "nl": "Download afgewezen regels (CSV)",
    },
    "imp_col_line": {"en": "Line", "nl": "Regel"},
    "imp_col_reasons": {"en": "Reasons", "nl": "Redenen"},
    "imp_col_raw": {"en": "Line as in the file", "nl": "Regel zoals in het bestand"},
    # Export.
    "imp_export_title": {"en": "Download the contact log", "nl": "Contactlogboek downloaden"},
    "imp_export_caption": {
        "en": "All {n} contacts as one CSV file in the columns above, ready to open in Excel or to import elsewhere.",
        "nl": "Alle {n} contactmomenten als één CSV-bestand met de kolommen hierboven, klaar om in Excel te openen of elders te importeren.",
    },
    "imp_export_empty": {
        "en": "The contact log is still empty; import a file first.",
        "nl": "Het contactlogboek is nog leeg; importeer eerst een bestand.",
    },
    "imp_prepare_export": {"en": "Prepare download", "nl": "Download voorbereiden"},
    "imp_preparing": {"en": "Writing the contact log…", "nl": "Contactlogboek wegschrijven…"},
    "imp_export_download": {
        "en": "Download contacts (CSV)",
        "nl": "Download contactmomenten (CSV)",
    },
}
