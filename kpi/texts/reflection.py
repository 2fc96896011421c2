"""Texts of the reflection page (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {
    "refl_caption": {
        "en": "Your own trend, your answers and your lessons, compared with your own past: "
        "never a ranking of colleagues.",
        "nl": "Je eigen trend, je antwoorden en je geleerde lessen, vergeleken met je eigen "
        "verleden: nooit een ranglijst van collega's.",
    },
    "refl_own_page": {
        "en": "This page shows your own contacts only.",
        "nl": "Deze pagina toont alleen je eigen contactmomenten.",
    },
    "refl_rep_label": {"en": "Rep", "nl": "Accountmanager"},
    "refl_rep_help": {
        "en": "Each rep is compared with their own past only.",
        "nl": "Elke accountmanager wordt alleen vergeleken met het eigen verleden.",
    },
    "refl_no_reps": {
        "en": "No contacts yet, so there is nothing to reflect on. Log a contact or import a "
        "contact log first.",
        "nl": "Nog geen contactmomenten, dus nog niets om op te reflecteren. Leg eerst een "
        "contactmoment vast of importeer een contactlog.",
    },
    "refl_tab_trend": {
        "en": ":material/trending_up: My trend",
        "nl": ":material/trending_up: Mijn trend",
    },
    "refl_tab_answers": {
        "en": ":material/psychology: Answers and lessons",
        "nl": ":material/psychology: Antwoorden en lessen",
    },
    "refl_tab_week": {
        "en": ":material/print: Weekly summary",
        "nl": ":material/print: Weekoverzicht",
    },
    # This period against the previous one.
    "refl_period_title": {
        "en": "This period against the previous",
        "nl": "Deze periode tegenover de vorige",
    },
    "refl_period_label": {"en": "Period", "nl": "Periode"},
    "refl_period_week": {"en": "Week", "nl": "Week"},
    "refl_period_month": {"en": "Month", "nl": "Maand"},
    "refl_period_quarter": {"en": "Quarter", "nl": "Kwartaal"},
    "refl_period_year": {"en": "Year", "nl": "Jaar"},
    "refl_period_caption": {
        "en": "{start} to {end} (so far), against the whole previous period {prev_start} to {prev_end}.",
        "nl": "{start} t/m {end} (tot nu toe), tegenover de hele vorige periode {prev_start} t/m {prev_end}.",
    },
    "refl_previous": {"en": "previous: {value}", "nl": "vorige: {value}"},
    "refl_points": {"en": "{value} pts", "nl": "{value} %-punt"},
    # Trend.
    "refl_trend_title": {
        "en": "Week by week, last 12 months",
        "nl": "Week voor week, laatste 12 maanden",
    },
    "refl_trend_caption": {
        "en": "Your commitment, advance and reflection rates per ISO week.",
        "nl": "Je commitment-, voortgangs- en reflectieratio per ISO-week.",
    },
    "refl_trend_empty": {
        "en": "No contacts in the last 12 months. Your trend appears once you log contacts.",
        "nl": "Geen contactmomenten in de laatste 12 maanden. Je trend verschijnt zodra je "
        "contactmomenten vastlegt.",
    },
    "refl_axis_week": {"en": "Week", "nl": "Week"},
    "refl_quarters_title": {
        "en": "This quarter against your own previous quarters",
        "nl": "Dit kwartaal tegenover je eigen vorige kwartalen",
    },
    "refl_quarter": {"en": "Quarter", "nl": "Kwartaal"},
    "refl_quarter_label": {"en": "Q{quarter} {year}", "nl": "K{quarter} {year}"},
    "refl_this_quarter": {"en": "this quarter, so far", "nl": "dit kwartaal, tot nu toe"},
    # Answers, changes and lessons.
    "refl_answers_caption": {
        "en": "Your answers over the last 12 months, as a share of your contacts.",
        "nl": "Je antwoorden over de laatste 12 maanden, als aandeel van je contactmomenten.",
    },
    "refl_answers_empty": {
        "en": "No contacts in the last 12 months. Answer the question each time you log a contact.",
        "nl": "Geen contactmomenten in de laatste 12 maanden. Beantwoord de vraag telkens als je "
        "een contactmoment vastlegt.",
    },
    "refl_answer_yes": {"en": "Yes, the same way", "nl": "Ja, op dezelfde manier"},
    "refl_answer_partly": {"en": "Partly", "nl": "Deels"},
    "refl_answer_no": {"en": "No, differently", "nl": "Nee, anders"},
    "refl_answer_unanswered": {"en": "Not answered", "nl": "Niet beantwoord"},
    "refl_of_contacts": {
        "en": "{count} of {total} contacts",
        "nl": "{count} van {total} contactmomenten",
    },
    "refl_changes_empty": {
        "en": "No contacts marked 'no' or 'partly' in the last 12 months.",
        "nl": "Geen contactmomenten met 'nee' of 'deels' in de laatste 12 maanden.",
    },
    "refl_would_change": {"en": "What you would change", "nl": "Wat je zou veranderen"},
    "refl_no_reflection": {"en": "(not written down)", "nl": "(niet opgeschreven)"},
    "refl_lessons_title": {"en": "My lessons learned", "nl": "Mijn geleerde lessen"},
    "refl_lessons_caption": {
        "en": "{count} lessons in the last 12 months, newest first. Mistakes are welcome when "
        "something is learned from them.",
        "nl": "{count} lessen in de laatste 12 maanden, nieuwste eerst. Fouten zijn welkom als "
        "je er iets van leert.",
    },
    "refl_lessons_empty": {
        "en": "No lessons written down in the last 12 months. Add one when you log a contact "
        "that taught you something.",
        "nl": "Geen geleerde lessen opgeschreven in de laatste 12 maanden. Voeg er een toe als "
        "je een leerzaam contactmoment vastlegt.",
    },
    "refl_yes": {"en": "yes", "nl": "ja"},
    # The weekly summary.
    "refl_week_title": {"en": "Weekly summary", "nl": "Weekoverzicht"},
    "refl_week_caption": {
        "en": "One ISO week on one page: to print, or to take to your one-to-one.",
        "nl": "Eén ISO-week op één pagina: om te printen, of mee te nemen naar je "
        "één-op-één-gesprek.",
    },
    "refl_week_label": {"en": "Week", "nl": "Week"},
    "refl_week_option": {"en": "{week} ({start} to {end})", "nl": "{week} ({start} t/m {end})"},
    "refl_week_empty": {
        "en": "No contacts logged in this week.",
        "nl": "Geen contactmomenten vastgelegd in deze week.",
    },
    "refl_download_md": {"en": "Text", "nl": "Tekst"},
    "refl_download_html": {"en": "Print", "nl": "Printen"},
    "refl_download_html_help": {
        "en": "A web page that prints cleanly: open it and print it from your browser.",
        "nl": "Een webpagina die netjes print: open hem en print hem vanuit je browser.",
    },
    "refl_sum_title": {"en": "Weekly summary {week}: {name}", "nl": "Weekoverzicht {week}: {name}"},
    "refl_sum_period": {"en": "{start} to {end}", "nl": "{start} t/m {end}"},
    "refl_sum_kpis": {"en": "In numbers", "nl": "In cijfers"},
    "refl_sum_kpi": {"en": "KPI", "nl": "KPI"},
    "refl_sum_value": {"en": "Value", "nl": "Waarde"},
    "refl_sum_contacts": {"en": "Contacts", "nl": "Contactmomenten"},
    "refl_sum_realised": {"en": "Commitments realised", "nl": "Gerealiseerde commitments"},
    "refl_sum_open": {"en": "Commitments still open", "nl": "Nog openstaande commitments"},
    "refl_sum_answer": {"en": "Answer", "nl": "Antwoord"},
    "refl_sum_lessons": {"en": "Lessons learned", "nl": "Geleerde lessen"},
    "refl_sum_changes": {"en": "What you would do differently", "nl": "Wat je anders zou doen"},
    "refl_sum_none": {"en": "None this week.", "nl": "Geen in deze week."},
}
