"""Texts of the dashboard page and its charts (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {
    "dash_caption": {
        "en": "Commitment next to activity: see who builds relationships and who ticks boxes.",
        "nl": "Commitment naast activiteit: zie wie relaties bouwt en wie vinkjes zet.",
    },
    "dash_caption_rep": {
        "en": "Your team's numbers and your own: commitment next to activity. Per-rep views "
        "show only you.",
        "nl": "De cijfers van je team en je eigen cijfers: commitment naast activiteit. "
        "Overzichten per accountmanager tonen alleen jou.",
    },
    "dash_scope": {"en": "Show", "nl": "Toon"},
    "dash_scope_team": {"en": "My team", "nl": "Mijn team"},
    "dash_scope_me": {"en": "Only me", "nl": "Alleen ik"},
    # Filters.
    "dash_window": {"en": "Period", "nl": "Periode"},
    "dash_window_week": {"en": "This week", "nl": "Deze week"},
    "dash_window_month": {"en": "This month", "nl": "Deze maand"},
    "dash_window_quarter": {"en": "This quarter", "nl": "Dit kwartaal"},
    "dash_window_year": {"en": "This year", "nl": "Dit jaar"},
    "dash_window_all": {"en": "All time", "nl": "Alles"},
    "dash_window_custom": {"en": "Custom dates", "nl": "Eigen datums"},
    "dash_from": {"en": "From", "nl": "Van"},
    "dash_to": {"en": "To", "nl": "Tot en met"},
    "dash_reps": {"en": "Reps", "nl": "Accountmanagers"},
    "dash_all_reps": {"en": "All reps", "nl": "Alle accountmanagers"},
    "dash_team": {"en": "Team", "nl": "Team"},
    "dash_all_teams": {"en": "All teams", "nl": "Alle teams"},
    "dash_swapped": {
        "en": "The start date was after the end date, so the two were swapped.",
        "nl": "De begindatum lag na de einddatum, dus ze zijn omgedraaid.",
    },
    "dash_period": {
        "en": "{start} to {end} ({weeks}), compared with {prev_start} to {prev_end}.",
        "nl": "{start} t/m {end} ({weeks}), vergeleken met {prev_start} t/m {prev_end}.",
    },
    "dash_period_open": {
        "en": "Every contact logged so far; there is no earlier period to compare with.",
        "nl": "Alle vastgelegde contactmomenten; er is geen eerdere periode om mee te vergelijken.",
    },
    "dash_points": {"en": "{value} pts", "nl": "{value} %-punt"},
    # Empty states.
    "dash_empty_db": {
        "en": "There are no contacts yet. Log your first contact on the form page, or import a "
        "file with your contact log; the dashboard fills itself from there.",
        "nl": "Er zijn nog geen contactmomenten. Leg je eerste contactmoment vast via het "
        "formulier, of importeer een bestand met je contactlog; daarna vult het dashboard zich.",
    },
    "dash_empty_window": {
        "en": "No contacts in this period with these filters. Choose a longer period or fewer "
        "filters, log a contact on the form page, or import a file.",
        "nl": "Geen contactmomenten in deze periode met deze filters. Kies een langere periode of "
        "minder filters, leg een contactmoment vast via het formulier, of importeer een bestand.",
    },
    # The two groups of KPIs.
    "dash_group_commitment": {"en": "Commitment", "nl": "Commitment"},
    "dash_group_activity": {"en": "Activity", "nl": "Activiteit"},
    "dash_recorded_share": {
        "en": "The commitment KPIs count the contacts whose level is recorded: {share} of the contacts in this period. The rest came from a CRM export and wait for their rep.",
        "nl": "De commitment-KPI's tellen de contactmomenten waarvan het niveau is vastgelegd: {share} van de contactmomenten in deze periode. De rest kwam uit een CRM-export en wacht op de accountmanager.",
    },
    # Tabs.
    "dash_tab_team": {"en": "Team", "nl": "Team"},
    "dash_tab_trends": {"en": "Trends", "nl": "Trends"},
    "dash_tab_reps": {"en": "Per rep", "nl": "Per accountmanager"},
    "dash_tab_relationships": {"en": "Relationships", "nl": "Relaties"},
    # Charts.
    "dash_chart_quadrant": {
        "en": "Activity vs. commitment per rep",
        "nl": "Activiteit tegenover commitment per accountmanager",
    },
    "dash_quadrant_caption": {
        "en": "Lines at the team median. Bottom right: many contacts, little real commitment. "
        "Dot size: quotes sent; colour: share of quick quotes (orange is more).",
        "nl": "Lijnen op de mediaan van het team. Rechtsonder: veel contactmomenten, weinig echt "
        "commitment. Grootte: verstuurde offertes; kleur: aandeel snelle offertes (oranje is meer).",
    },
    "dash_quadrant_ticking": {"en": "Ticking boxes", "nl": "Vinkjes zetten"},
    "dash_quadrant_building": {"en": "Building relationships", "nl": "Relaties bouwen"},
    "dash_chart_weekly": {
        "en": "Advance rate next to calls, per week",
        "nl": "Voortgangsratio naast telefoontjes, per week",
    },
    "dash_chart_ladder": {
        "en": "Where contacts end on the ladder",
        "nl": "Waar contactmomenten eindigen op de ladder",
    },
    "dash_chart_quick": {"en": "Quick quotes per week", "nl": "Snelle offertes per week"},
    "dash_chart_follow": {
        "en": "Follow-through per rep",
        "nl": "Nagekomen commitments per accountmanager",
    },
    "dash_no_follow": {
        "en": "No commitment in this period has been marked kept or broken yet.",
        "nl": "Nog geen commitment in deze periode is als nagekomen of niet nagekomen gemarkeerd.",
    },
    "dash_no_quotes": {
        "en": "No quotes were sent in this period.",
        "nl": "In deze periode zijn geen offertes verstuurd.",
    },
    "dash_chart_accounts": {
        "en": "Highest level per account per month (most active accounts)",
        "nl": "Hoogste niveau per klant per maand (meest actieve klanten)",
    },
    "dash_week": {"en": "Week", "nl": "Week"},
    "dash_month": {"en": "Month", "nl": "Maand"},
    "dash_week_days_title": {"en": "Days in the period", "nl": "Dagen in de periode"},
    "dash_week_days": {"en": "{days} of 7", "nl": "{days} van 7"},
    "dash_partial_weeks": {
        "en": "* A week the period or today cuts short (hollow bar): fewer days, not a dip.",
        "nl": "* Een week die de periode of vandaag inkort (open staaf): minder dagen, geen dip.",
    },
    "dash_level": {"en": "Level", "nl": "Niveau"},
    "dash_highest_level": {"en": "Highest level", "nl": "Hoogste niveau"},
    "dash_quick_count": {"en": "Quick quotes (number)", "nl": "Snelle offertes (aantal)"},
    # The per-rep table and its downloads.
    "dash_table_title": {"en": "Every KPI per rep", "nl": "Alle KPI's per accountmanager"},
    "dash_table_caption": {
        "en": "Click a column header to sort. The downloads hold the same rows.",
        "nl": "Klik op een kolomkop om te sorteren. De downloads bevatten dezelfde rijen.",
    },
    "dash_download_csv": {"en": "Download CSV", "nl": "Download CSV"},
    "dash_download_xlsx": {"en": "Download Excel", "nl": "Download Excel"},
    "dash_file_stem": {"en": "commitboard-per-rep", "nl": "commitboard-per-accountmanager"},
    "dash_sheet": {"en": "Per rep", "nl": "Per accountmanager"},
    "dash_col_rep": {"en": "Rep", "nl": "Accountmanager"},
    "dash_col_team": {"en": "Team", "nl": "Team"},
    # Relationship views.
    "dash_momentum_title": {"en": "Accounts gaining momentum", "nl": "Klanten met momentum"},
    "dash_momentum_caption": {
        "en": "Accounts whose highest level in this period beats their highest level before it.",
        "nl": "Klanten waarvan het hoogste niveau in deze periode hoger is dan daarvoor.",
    },
    "dash_momentum_empty": {
        "en": "No account climbed the ladder in this period.",
        "nl": "Geen klant is in deze periode op de ladder gestegen.",
    },
    "dash_overdue_title": {"en": "Overdue commitments", "nl": "Verlopen commitments"},
    "dash_overdue_caption": {
        "en": "Open commitments past their due date, oldest first: follow up, or mark them kept "
        "or broken on the form page.",
        "nl": "Open commitments waarvan de deadline voorbij is, oudste eerst: ga erachteraan, of "
        "markeer ze als nagekomen of niet nagekomen via het formulier.",
    },
    "dash_overdue_empty": {
        "en": "No open commitment is past its due date.",
        "nl": "Geen enkel open commitment is over de deadline.",
    },
    "dash_first_rows": {
        "en": "Showing the first {shown} of {total}.",
        "nl": "De eerste {shown} van {total} worden getoond.",
    },
    "dash_col_level_before": {"en": "Highest before", "nl": "Hoogste daarvoor"},
    "dash_col_level_now": {"en": "Highest in period", "nl": "Hoogste in periode"},
    "dash_col_last_contact": {"en": "Last contact", "nl": "Laatste contact"},
    "dash_col_days_overdue": {"en": "Days overdue", "nl": "Dagen over tijd"},
}
