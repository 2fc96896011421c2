"""Texts of the training page and its handout (key -> {"en": ..., "nl": ...})."""

TEXTS: dict[str, dict[str, str]] = {
    "train_caption": {
        "en": "Real contact stories reps offered for training, the lessons they learned and the ladder, ready to share on a screen.",
        "nl": "Echte klantverhalen die accountmanagers voor training aanboden, hun geleerde lessen en de ladder, klaar om op een scherm te delen.",
    },
    # Switches and filters.
    "train_presenter": {"en": "Presenter mode", "nl": "Presentatiemodus"},
    "train_presenter_help": {
        "en": "One story per screen in large type. Customer names are hidden when you switch it on.",
        "nl": "Eén verhaal per scherm in grote letters. Klantnamen worden verborgen zodra je dit aanzet.",
    },
    "train_hide_names": {"en": "Hide customer names", "nl": "Klantnamen verbergen"},
    "train_hide_names_help": {
        "en": "Accounts become 'Customer A', people 'Contact 1', also inside notes, commitments, reflections and lessons. The same account keeps its label for this session.",
        "nl": "Klanten worden 'Klant A', personen 'Contactpersoon 1', ook in notities, commitments, reflecties en lessen. Dezelfde klant houdt deze sessie hetzelfde label.",
    },
    "train_period": {"en": "Period", "nl": "Periode"},
    "train_period_90d": {"en": "Last 3 months", "nl": "Afgelopen 3 maanden"},
    "train_period_365d": {"en": "Last 12 months", "nl": "Afgelopen 12 maanden"},
    "train_period_all": {"en": "All time", "nl": "Alles"},
    "train_rep": {"en": "Rep", "nl": "Accountmanager"},
    "train_rep_all": {"en": "All reps", "nl": "Alle accountmanagers"},
    "train_levels": {"en": "Commitment level", "nl": "Commitmentniveau"},
    "train_levels_help": {
        "en": "Show only stories at these levels; none selected shows all.",
        "nl": "Toon alleen verhalen op deze niveaus; niets gekozen toont alles.",
    },
    # Tabs.
    "train_tab_stories": {"en": "Stories", "nl": "Verhalen"},
    "train_tab_lessons": {"en": "Lessons wall", "nl": "Lessenmuur"},
    "train_tab_ladder": {"en": "The ladder", "nl": "De ladder"},
    "train_tab_handout": {"en": "Handout", "nl": "Hand-out"},
    # Stories.
    "train_no_stories": {
        "en": "No stories offered for training in this selection. Reps offer a contact by ticking 'Share for training' when they log it; try a longer period or fewer filters.",
        "nl": "Geen verhalen aangeboden voor training in deze selectie. Accountmanagers bieden een contactmoment aan met 'Delen in training' bij het vastleggen; kies een langere periode of minder filters.",
    },
    "train_stories_count": {
        "en": "{total} stories offered for training; the newest {shown} are shown.",
        "nl": "{total} verhalen aangeboden voor training; de nieuwste {shown} staan hieronder.",
    },
    "train_section_situation": {"en": "Situation", "nl": "Situatie"},
    "train_section_approach": {"en": "Approach", "nl": "Aanpak"},
    "train_section_commitment": {"en": "Commitment reached", "nl": "Bereikt commitment"},
    "train_section_reflection": {"en": "Reflection", "nl": "Reflectie"},
    "train_section_lesson": {"en": "Lesson", "nl": "Les"},
    "train_level_label": {"en": "Level {level} · {name}", "nl": "Niveau {level} · {name}"},
    "train_yes": {"en": "yes", "nl": "ja"},
    "train_no": {"en": "no", "nl": "nee"},
    "train_quick_quote": {"en": "Quick quote", "nl": "Snelle offerte"},
    "train_quick_quote_note": {
        "en": "quote sent without real commitment (level 2+) on this account in the 90 days before",
        "nl": "offerte verstuurd zonder echt commitment (niveau 2+) bij deze klant in de 90 dagen ervoor",
    },
    # Presenter mode.
    "train_prev": {"en": "Previous", "nl": "Vorige"},
    "train_next": {"en": "Next", "nl": "Volgende"},
    "train_story_of": {"en": "Story {i} of {n}", "nl": "Verhaal {i} van {n}"},
    "train_presenter_tip": {
        "en": "Tip: collapse the sidebar and use the arrow keys ← → to move between stories.",
        "nl": "Tip: klap de zijbalk in en gebruik de pijltjestoetsen ← → om te bladeren.",
    },
    # Lessons wall.
    "train_lessons_title": {"en": "Lessons learned by theme", "nl": "Geleerde lessen per thema"},
    "train_lessons_caption": {
        "en": "{total} lessons in this period. A lesson goes to the first theme below with one of its keywords; the rest is under 'Other'.",
        "nl": "{total} lessen in deze periode. Een les hoort bij het eerste thema hieronder met een van zijn trefwoorden; de rest staat onder 'Overig'.",
    },
    "train_lessons_limited": {
        "en": "The wall shows the newest {shown} of them.",
        "nl": "De muur toont de nieuwste {shown} daarvan.",
    },
    "train_no_lessons": {
        "en": "No lessons written down in this period. Reps add a lesson when they log a contact; try a longer period.",
        "nl": "Geen geleerde lessen in deze periode. Accountmanagers schrijven een les op bij het vastleggen van een contactmoment; kies een langere periode.",
    },
    "train_theme_keywords": {"en": "Keywords: {words}", "nl": "Trefwoorden: {words}"},
    "train_theme_count": {"en": "{n} lessons", "nl": "{n} lessen"},
    "train_lessons_all": {"en": "All {n} different lessons", "nl": "Alle {n} verschillende lessen"},
    "train_lesson_col": {"en": "Lesson", "nl": "Les"},
    "train_times_col": {"en": "Times", "nl": "Aantal keer"},
    "train_theme_quoting": {"en": "Quoting too fast", "nl": "Te snel offreren"},
    "train_theme_decision_makers": {
        "en": "Involving decision makers",
        "nl": "Beslissers betrekken",
    },
    "train_theme_follow_up": {"en": "Follow-up", "nl": "Opvolging"},
    "train_theme_commitment": {"en": "Asking for commitment", "nl": "Om commitment vragen"},
    "train_theme_listening": {"en": "Listening and asking", "nl": "Luisteren en doorvragen"},
    "train_theme_preparation": {"en": "Preparation", "nl": "Voorbereiding"},
    "train_theme_mistakes": {"en": "Learning from mistakes", "nl": "Leren van fouten"},
    "train_theme_other": {"en": "Other", "nl": "Overig"},
    # The ladder.
    "train_ladder_title": {"en": "The commitment ladder", "nl": "De commitmentladder"},
    "train_ladder_caption": {
        "en": "What the customer commits to, from nothing concrete to a joint plan. Level 2 and up is real commitment. The examples are real commitments from this period, shared stories first.",
        "nl": "Waar de klant zich aan committeert, van niets concreets tot een gezamenlijk plan. Niveau 2 en hoger is echt commitment. De voorbeelden zijn echte commitments uit deze periode, gedeelde verhalen eerst.",
    },
    "train_ladder_examples": {"en": "Real examples", "nl": "Echte voorbeelden"},
    "train_ladder_no_examples": {
        "en": "No commitment written down at this level in this period.",
        "nl": "Geen commitment opgeschreven op dit niveau in deze periode.",
    },
    "train_ladder_level0": {
        "en": "Nothing concrete was agreed, so there is no commitment to quote.",
        "nl": "Er is niets concreets afgesproken, dus er is geen commitment om te citeren.",
    },
    # Handout.
    "train_handout_title": {"en": "Training: contact stories", "nl": "Training: klantverhalen"},
    "train_handout_subtitle": {
        "en": "Commitboard, {date}. {stories} stories.",
        "nl": "Commitboard, {date}. {stories} verhalen.",
    },
    "train_handout_caption": {
        "en": "The {stories} stories of this selection, the lessons by theme and the ladder, as a document to hand out after the session.",
        "nl": "De {stories} verhalen van deze selectie, de lessen per thema en de ladder, als document om na de sessie uit te delen.",
    },
    "train_handout_hidden": {
        "en": "Customer names are hidden in the handout, as on screen.",
        "nl": "Klantnamen zijn verborgen in de hand-out, net als op het scherm.",
    },
    "train_handout_shown": {
        "en": "Customer names are visible in the handout. Switch on 'Hide customer names' before sharing it outside the team.",
        "nl": "Klantnamen staan in de hand-out. Zet 'Klantnamen verbergen' aan voordat je hem buiten het team deelt.",
    },
    "train_handout_md": {"en": "Download as Markdown", "nl": "Download als Markdown"},
    "train_handout_pdf": {"en": "Download as PDF", "nl": "Download als PDF"},
    "train_handout_pdf_missing": {
        "en": "The PDF's fonts cannot draw {chars}: the PDF shows {mark} in their place. The Markdown handout keeps them.",
        "nl": "De lettertypen van de PDF kunnen {chars} niet tekenen: de PDF toont daar {mark}. De Markdown-hand-out bevat ze wel.",
    },
    # Hidden names.
    "train_anon_account": {"en": "Customer {letter}", "nl": "Klant {letter}"},
    "train_anon_person": {"en": "Contact {number}", "nl": "Contactpersoon {number}"},
    "train_anon_name": {"en": "[name]", "nl": "[naam]"},
}
