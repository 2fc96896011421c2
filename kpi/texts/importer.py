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
