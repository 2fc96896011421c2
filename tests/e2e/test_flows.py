"""The main user flows in a real browser: log a contact and see it counted, present stories with
names hidden, import a file with a bad row and re-import its fixed reject file, switch language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest

from kpi import db, i18n, metrics, training
from kpi.demo import REPS
from tests.e2e.conftest import (
    Server,
    act_as,
    choose,
    document_language,
    errors_shown,
    make_demo_db,
    metric,
    navigate,
    open_page,
    raw_text_keys,
    rerun,
    screenshot,
    visible_text,
    wait_ready,
    warm_up,
)
from views import tiles

pytestmark = pytest.mark.browser

KPI_LABELS = ("Contacts", "Commitment rate", "Advance rate", "Average level")
LADDER_TITLE = "Where contacts end on the ladder"
LADDER_ADDS_UP = """([title, total]) => {
    for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
        const texts = [...chart.querySelectorAll('text')].map((t) => t.textContent);
        if (!texts.includes(title)) continue;
        const counts = texts.filter((t) => t.endsWith('%)')).map((t) => parseInt(t.replace(/,/g, '')));
        return counts.length === 5 && counts.reduce((a, b) => a + b, 0) === total;
    }
    return false;
}"""
NEW_ACCOUNT = "E2E Zonnebloem Installaties"
COMMITMENT = "Klant zoekt intern uit wie over het budget beslist"


@dataclass(frozen=True)
class Facts:
    """What the demo database holds before the server starts (it holds the lock after that)."""

    ladder: list[int]  # contacts per level 0..4 in the dashboard's "This week" (Monday to today)
    week_summary: dict  # the engine's KPIs of that week
    accounts: list[str]
    persons: list[str]
    stories: list[training.Story]  # the training page's default selection, newest first
    first_rep: str  # the rep the log form picks for the director by default


@pytest.fixture(scope="module")
def demo(tmp_path_factory, browser):
    today = dt.date.today()
    path = make_demo_db(tmp_path_factory.mktemp("flows") / "demo.duckdb", today)
    con = db.connect(path)
    try:
        week = metrics.Window(metrics.window_for("week", today).start, today)
        ladder = metrics.ladder(con, week)["contacts_count"].astype(int).to_list()
        stories, _ = training.shared_stories(
            con, training.period_window(training.DEFAULT_PERIOD, today), metrics.Filters(), ()
        )
        facts = Facts(
            ladder=ladder,
            week_summary=metrics.summary(con, week),
            accounts=[
                r[0] for r in con.execute("select distinct account from contacts").fetchall()
            ],
            persons=[
                r[0]
                for r in con.execute(
                    "select distinct contact_person from contacts where contact_person is not null"
                ).fetchall()
            ],
            stories=stories,
            first_rep=str(metrics.reps(con)["rep_name"].iloc[0]),
        )
    finally:
        con.close()
    server = Server(path)
    try:
        warm_up(browser, server)
        yield server, facts
    finally:
        server.stop()


# -- 1. log a contact and see it counted -----------------------------------------------------------


def week_kpis(ladder: list[int]) -> dict[str, str]:
    """The dashboard's texts for a week with these contacts per level (DOMAIN.md's formulas)."""
    n = sum(ladder)
    return {
        "Contacts": i18n.fmt_number(n, "en"),
        "Commitment rate": i18n.fmt_pct(sum(ladder[1:]) / n, "en"),
        "Advance rate": i18n.fmt_pct(sum(ladder[2:]) / n, "en"),
        "Average level": i18n.fmt_number(sum(i * c for i, c in enumerate(ladder)) / n, "en", 2),
        "ladder_2": f"{i18n.fmt_number(ladder[2], 'en')} ({i18n.fmt_pct(ladder[2] / n, 'en')})",
    }


def dashboard_week(tab) -> dict[str, str]:
    """Pick "This week" on the dashboard and read its KPIs and the ladder's level-2 bar label
    (empty when the week has no contacts yet)."""
    choose(tab, "dash_window", "This week")
    if tab.locator('[data-testid="stAlert"]', has_text="No contacts in this period").count():
        return {}
    shown = {key: metric(tab, key) for key in KPI_LABELS}
    contacts = int(shown["Contacts"].replace(",", ""))
    # Vega redraws after the run: wait until the ladder's bar labels add up to this window.
    tab.wait_for_function(LADDER_ADDS_UP, arg=[LADDER_TITLE, contacts])
    chart = tab.locator('[data-testid="stVegaLiteChart"]').filter(
        has=tab.locator("text", has_text=LADDER_TITLE)
    )
    labels = [t for t in chart.locator("text").all_text_contents() if t.endswith("%)")]
    assert len(labels) == 5, labels  # "count (share)" per level, in level order 0..4
    shown["ladder_2"] = labels[2]
    return shown


def alert_texts(scope) -> list[str]:
    """The messages of the alerts inside `scope`, without their icons."""
    return scope.locator(
        '[data-testid="stAlert"] [data-testid="stMarkdownContainer"]'
    ).all_inner_texts()


def fill_account(tab, account: str) -> None:
    """Type a new account into the account box and take it."""
    box = tab.locator(".st-key-log_account input")
    box.click()
    box.fill(account)
    tab.get_by_role("option", name=f"Add: {account}").wait_for()
    box.press("Enter")


def fill_contact_but_account(tab) -> None:
    """Fill the log form but for the account: the channel, level 2 with what the customer
    committed to, and the second question. Nothing is sent before the save button."""
    tab.locator(".st-key-log_channel button", has_text="Visit").click()
    tab.locator(".st-key-log_commitment_level label", has_text="2 · Customer acts").click()
    tab.locator(".st-key-log_commitment textarea").fill(COMMITMENT)
    tab.locator(".st-key-log_would_repeat button", has_text="Partly").click()
    tab.locator(".st-key-log_reflection textarea").fill("Eerder naar de beslisser vragen.")


def open_count(tab) -> int:
    """How many open commitments the rep has, as the log page says."""
    if tab.locator('[data-testid="stAlert"]', has_text="No open commitments.").count():
        return 0
    caption = tab.locator('[data-testid="stCaptionContainer"]', has_text=" open. ").inner_text()
    match = re.match(r"(\d+) open\.", caption)
    assert match, caption
    return int(match[1])


def test_log_a_contact_and_see_it_counted(demo, page):
    """Dashboard, log page, dashboard, through the browser only. The form is sent twice: first
    without the account (refused), then with it; the dashboard ends exactly one contact up."""
    server, facts = demo
    if sum(facts.ladder):  # the expected texts below follow the engine's own numbers
        assert week_kpis(facts.ladder)["Advance rate"] == i18n.fmt_pct(
            facts.week_summary["advance_rate"], "en"
        )
        assert week_kpis(facts.ladder)["Average level"] == i18n.fmt_number(
            facts.week_summary["avg_commitment"], "en", 2
        )
    open_page(page, server, "")
    before = dashboard_week(page)
    assert before == (week_kpis(facts.ladder) if sum(facts.ladder) else {})

    navigate(page, "Log a contact")
    assert page.locator(".st-key-log_rep input").input_value() == facts.first_rep
    still_open = open_count(page)

    # Without the account: one error, at that field; nothing saved, what was typed stays.
    fill_contact_but_account(page)
    rerun(page, page.locator(".st-key-log_save button").click)
    assert alert_texts(page.locator('[data-testid="stMain"]')) == [
        "Not saved: 1 problem(s) to fix. Nothing you typed is lost.",
        "Account is required",
    ]
    account_column = (
        page.locator('[data-testid="stColumn"]')
        .filter(has=page.locator(".st-key-log_account"))
        .last
    )
    assert alert_texts(account_column) == ["Account is required"]
    assert page.locator(".st-key-log_commitment textarea").input_value() == COMMITMENT
    assert open_count(page) == still_open

    # With the account: a confirmation, an empty form, the commitment in the rep's open list.
    fill_account(page, NEW_ACCOUNT)
    rerun(page, page.locator(".st-key-log_save button").click)
    assert alert_texts(page.locator('[data-testid="stMain"]')) == [
        f"Saved: contact with {NEW_ACCOUNT} at level 2 · Customer acts."
    ]
    assert page.locator(".st-key-log_account input").input_value() == ""
    assert page.locator(".st-key-log_commitment textarea").input_value() == ""
    assert open_count(page) == still_open + 1
    assert f"{NEW_ACCOUNT} · 2 · Customer acts\n{COMMITMENT}" in visible_text(page)

    # Counted once: one contact more this week, and one more at level 2 on the ladder.
    navigate(page, "Dashboard")
    after = dashboard_week(page)
    assert after == week_kpis([*facts.ladder[:2], facts.ladder[2] + 1, *facts.ladder[3:]])
    assert int(after["Contacts"]) == sum(facts.ladder) + 1


# -- 2. presenter mode with names hidden ----------------------------------------------------------


def expected_labels(stories: list[training.Story]) -> list[str]:
    """The label each story's account gets: stories are labelled first, in the order shown."""
    anonymiser = training.Anonymiser("en")
    anonymiser.register(stories)
    return [anonymiser.label_account(story.account) for story in stories]


def real_names_in(text: str, facts: Facts) -> list[str]:
    """Account and contact-person names of the demo data that appear in text (people who share
    their full name with a rep are left out: rep names are not hidden)."""
    reps = {rep.name for rep in REPS}
    people = [name for name in facts.persons if name not in reps]
    return sorted(name for name in [*facts.accounts, *people] if name in text)


def stage(tab) -> tuple[str, str]:
    """(the position line, the account heading) of the presenter's current story."""
    position = tab.locator(".st-key-train_story_position").inner_text().strip()
    return position, tab.locator(".st-key-train_stage h2").inner_text().strip()


def test_presenter_mode_hides_names(demo, page):
    server, facts = demo
    assert len(facts.stories) >= 3, "the demo data should offer stories for training"
    labels = expected_labels(facts.stories)
    count = len(facts.stories)

    open_page(page, server, "")
    act_as(page, "Trainer")
    # The training page is the trainer's only page: it opens at once, without a menu.
    page.locator("h1", has_text="Training").first.wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    # A trainer may be sharing a screen: names are hidden from the start.
    assert page.locator(".st-key-train_hide_names input").is_checked()
    assert real_names_in(visible_text(page), facts) == []

    rerun(page, page.locator(".st-key-train_presenter label").click)
    assert page.locator(".st-key-train_presenter input").is_checked()
    assert stage(page) == (f"Story 1 of {count}", labels[0])
    assert labels[0] == "Customer A"
    assert page.locator(".st-key-train_prev button").is_disabled()
    text = visible_text(page)
    assert real_names_in(text, facts) == []
    assert raw_text_keys(text) == []
    assert re.search(rf"\bAccount\s+{labels[0]}\n", text)  # the situation names it too
    screenshot(page, "flow-training-presenter")

    rerun(page, page.locator(".st-key-train_next button").click)
    assert stage(page) == (f"Story 2 of {count}", labels[1])
    assert real_names_in(visible_text(page), facts) == []
    rerun(page, page.locator(".st-key-train_next button").click)
    assert stage(page) == (f"Story 3 of {count}", labels[2])
    rerun(page, page.locator(".st-key-train_prev button").click)
    assert stage(page) == (f"Story 2 of {count}", labels[1])
    assert real_names_in(visible_text(page), facts) == []

    # The check above can see a name: with names shown, this story's account is there.
    rerun(page, page.locator(".st-key-train_hide_names label").click)
    assert stage(page) == (f"Story 2 of {count}", facts.stories[1].account)
    assert facts.stories[1].account in real_names_in(visible_text(page), facts)
    assert errors_shown(page) == []


# -- 3. import a file with a bad row, and its fixed reject file ------------------------------------

# Five good rows and one with a channel the log does not know; dates long before the demo year,
# so the dashboard's windows of the other tests stay as they were.
IMPORT_CSV = """contact_date,rep,account,channel,commitment_level,commitment,would_repeat
2024-03-04,bas.hendriks@prospex.example,E2E Import Alfa,phone,0,,yes
2024-03-05,bas.hendriks@prospex.example,E2E Import Beta,visit,2,Klant zoekt de volumes uit,partly
2024-03-06,sanne.dejong@prospex.example,E2E Import Gamma,email,1,Vervolg op 12 maart,yes
2024-03-07,sanne.dejong@prospex.example,E2E Import Delta,video,0,,no
2024-03-08,sanne.dejong@prospex.example,E2E Import Epsilon,fax,1,Belt terug op vrijdag,yes
2024-03-11,eva.vandijk@prospex.example,E2E Import Zeta,event,3,Introductie bij de directie,yes
"""
CHANNEL_REASON = "Channel: not one of the allowed values"


def upload(tab, name: str, data: bytes) -> None:
    """Choose a file in the uploader and wait for its preview."""
    rerun(
        tab,
        lambda: tab.locator(".st-key-imp_upload input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        ),
    )
    tab.locator(".st-key-imp_preview_box", has_text=name).wait_for()


def import_result(tab, name: str) -> dict[str, str]:
    """Click import; the four result numbers as shown."""
    rerun(tab, tab.locator(".st-key-imp_go button").click)
    tab.locator(".st-key-imp_result", has_text=f"Result: {name}").wait_for()
    return {
        key: tab.locator(f".st-key-imp_result_{key} [data-testid='stMetricValue']").inner_text()
        for key in ("read", "accepted", "updated", "rejected")
    }


def export_count(tab) -> int:
    """How many contacts the log holds, as the export box says."""
    caption = tab.locator(".st-key-imp_export", has_text="contacts as one CSV file").inner_text()
    match = re.search(r"All ([\d,]+) contacts", caption)
    assert match, caption
    return int(match[1].replace(",", ""))


def test_import_with_a_bad_row_and_reimport_its_fix(demo, page):
    server, _ = demo
    open_page(page, server, "import")
    start = export_count(page)

    upload(page, "e2e-contacts.csv", IMPORT_CSV.encode())
    preview = page.locator(".st-key-imp_preview_box").inner_text()
    assert "The first 6 rows of e2e-contacts.csv" in preview
    assert "Columns recognised: contact_date, rep, account, channel, commitment_level" in preview
    assert import_result(page, "e2e-contacts.csv") == {
        "read": "6",
        "accepted": "5",
        "updated": "0",
        "rejected": "1",
    }
    result = page.locator(".st-key-imp_result")
    assert "Rows read: 6 · Accepted: 5 (updated: 0) · Rejected: 1" in result.inner_text()
    # The rejected row: its line in the file (the header is line 1), its reason, its text.
    result.locator('[data-testid="stDataFrame"] td').nth(2).wait_for(state="attached")
    cells = result.locator('[data-testid="stDataFrame"] td').all_text_contents()
    assert cells[:2] == ["6", CHANNEL_REASON]
    assert "E2E Import Epsilon,fax" in cells[2]
    assert export_count(page) == start + 5

    with page.expect_download() as download:
        page.locator(".st-key-imp_rejects_download button").click()
    assert download.value.suggested_filename == "e2e-contacts-rejected.csv"
    rejected = download.value.path().read_bytes()
    text = rejected.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2, text  # the header and the one bad row
    assert "2024-03-08,sanne.dejong@prospex.example,E2E Import Epsilon,,,fax," in lines[1]
    assert CHANNEL_REASON in lines[1]
    assert ",e2e-contacts.csv,6," in lines[1]

    # Fixed in the downloaded file itself, it goes in; its _ columns are ignored.
    fixed = rejected.replace(b",fax,", b",phone,")
    assert fixed != rejected
    upload(page, "e2e-contacts-fixed.csv", fixed)
    assert page.locator(".st-key-imp_result").count() == 0  # a new file: the old result went
    assert import_result(page, "e2e-contacts-fixed.csv") == {
        "read": "1",
        "accepted": "1",
        "updated": "0",
        "rejected": "0",
    }
    assert "Every row was accepted." in page.locator(".st-key-imp_result").inner_text()
    assert export_count(page) == start + 6
    assert errors_shown(page) == []


# -- 4. the language switch --------------------------------------------------------------------------


def test_language_switch_and_reload(demo, page):
    server, _ = demo
    open_page(page, server, "", "en")
    assert metric(page, "Contacts")
    assert document_language(page, "en") == "en"
    # The script that sets it leaves no gap: its element in the sidebar is not shown.
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stElementContainer"]')
    script_box = boxes.filter(has=page.locator("script"))
    assert script_box.count() == 1 and script_box.first.is_hidden()
    rerun(page, page.locator(".st-key-lang_switch button", has_text="Nederlands").click)
    page.locator('[data-testid="cbKpiLabel"]', has_text="Contactmomenten").first.wait_for()
    assert "lang=nl" in page.url
    assert document_language(page, "nl") == "nl"

    def dutch_dashboard() -> None:
        assert page.locator("h1").inner_text() == "Dashboard"
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        for title in ("Contact vastleggen", "Reflectie", "Training", "Importeren"):
            assert title in nav
        main = visible_text(page, '[data-testid="stMain"]')
        for label in ("Periode", "Accountmanagers", "Commitment", "Activiteit", "Voortgangsratio"):
            assert label in main
        # Dutch numbers: a decimal comma, thousands with a dot, "€ " before money.
        assert re.fullmatch(r"\d,\d\d", metric(page, "Gemiddeld niveau"))
        assert re.fullmatch(r"€ \d{1,3}(\.\d{3})+", metric(page, "Omzet"))
        assert raw_text_keys(visible_text(page)) == []

    dutch_dashboard()
    page.reload()
    page.locator('[data-testid="cbKpiLabel"]', has_text="Contactmomenten").first.wait_for()
    wait_ready(page)
    assert "lang=nl" in page.url
    assert document_language(page, "nl") == "nl"
    dutch_dashboard()
    assert page.locator(".st-key-dash_window input").input_value() == "Dit kwartaal"

    # Another page keeps the language, and a reload there too.
    navigate(page, "Contact vastleggen")
    assert "/log?lang=nl" in page.url
    assert "Welk commitment heb je gerealiseerd in dit contact?" in visible_text(page)
    page.reload()
    page.locator("h1", has_text="Contact vastleggen").wait_for()
    assert document_language(page, "nl") == "nl"

    # And back to English.
    rerun(page, page.locator(".st-key-lang_switch button", has_text="English").click)
    page.locator("h1", has_text="Log a contact").wait_for()
    assert "/log?lang=en" in page.url
    assert document_language(page, "en") == "en"
    assert errors_shown(page) == []


def test_language_switch_keeps_what_the_user_chose(demo, page):
    """Choices in select boxes survive a language switch: the role acted as, the period.

    Fails at the time of writing: the browser keeps showing the English label of the chosen
    option, and sends that label back on the next interaction, where it matches no Dutch
    option, so the select box falls back to its default (director; this quarter).
    """
    server, facts = demo
    open_page(page, server, "", "en")
    act_as(page, "Rep")
    rep = page.locator(".st-key-act_as_rep input").input_value()
    assert rep == facts.first_rep
    choose(page, "dash_window", "This week")
    assert "Import" not in page.locator('[data-testid="stSidebarNav"]').inner_text()

    rerun(page, page.locator(".st-key-lang_switch button", has_text="Nederlands").click)
    page.locator("h1", has_text="Dashboard").wait_for()
    problems = []
    shown = page.locator(".st-key-dash_window input").input_value()
    if shown != "Deze week":
        problems.append(f"after the switch the period reads {shown!r}, not 'Deze week'")
    shown = page.locator(".st-key-act_as input").input_value()
    if shown != "Accountmanager":
        problems.append(f"after the switch 'act as' reads {shown!r}, not 'Accountmanager'")

    # The next interaction anywhere on the page.
    choose(page, "dash_window", "Deze maand")
    shown = page.locator(".st-key-act_as input").input_value()
    if shown != "Accountmanager":
        problems.append(f"one click later the user acts as {shown!r} instead of the rep")
    if "Importeren" in page.locator('[data-testid="stSidebarNav"]').inner_text():
        problems.append("one click later the rep sees the director's Import page")
    assert problems == [], "the language switch loses choices: " + "; ".join(problems)


def test_on_a_phone_every_option_of_the_log_form_is_on_screen(browser, demo_server):
    """Reps log a contact right after it happens, often on their phone. On a 390 px wide screen
    the channel, role and repeat options wrap onto a second row instead of running off the
    screen (Streamlit keeps a segmented control on one scrolling row in a column by default)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True, has_touch=True
    )
    try:
        tab = context.new_page()
        open_page(tab, demo_server, "log", lang="nl")
        tab.locator(".st-key-log_channel").wait_for()
        for key, count in (("log_channel", 6), ("log_contact_role", 4), ("log_would_repeat", 3)):
            # The options; the help icon next to a label is a button too, without text.
            buttons = tab.locator(f".st-key-{key} button").filter(has_text=re.compile(r"\w"))
            assert buttons.count() == count
            for index in range(count):
                box = buttons.nth(index).bounding_box()
                assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, (
                    key,
                    buttons.nth(index).inner_text(),
                    box,
                )
        tab.locator(".st-key-log_channel button", has_text="Social").tap()
        assert errors_shown(tab) == []
    finally:
        context.close()


# KPI names whose text does not fit (views/tiles.py cuts them off with "…").
CUT_OFF_LABELS = """() => [...document.querySelectorAll('[data-testid="cbKpiLabel"]')]
    .filter((label) => [label, ...label.querySelectorAll('*')]
        .some((el) => el.scrollWidth > el.clientWidth + 1))
    .map((label) => label.innerText.trim())"""
# The same for the KPIs' values.
CUT_OFF_VALUES = CUT_OFF_LABELS.replace("cbKpiLabel", "cbKpiValue")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_on_a_laptop_every_kpi_name_is_shown_whole(browser, demo_server, lang):
    """A director opens the dashboard on a laptop (1,400 px wide): every one of the 12 KPI
    names can be read without hovering. With four tiles to a row names such as
    "Commitmentratio" and "Contactmomenten" were cut off."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    try:
        tab = context.new_page()
        open_page(tab, demo_server, "", lang=lang)
        tab.locator('[data-testid="cbKpiValue"]').nth(11).wait_for()
        assert tab.locator('[data-testid="cbKpiLabel"]').count() == 12
        assert tab.evaluate(CUT_OFF_LABELS) == []
    finally:
        context.close()


def test_on_a_phone_every_kpi_tile_reads_whole(browser, demo_server):
    """A director glances at the dashboard on a phone (390 px): the KPI tiles wrap onto more
    rows rather than cut off a name or a value (revenue, the widest, included)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True, has_touch=True
    )
    try:
        tab = context.new_page()
        open_page(tab, demo_server, "", lang="nl")
        tab.locator('[data-testid="cbKpiValue"]').nth(11).wait_for()
        assert tab.evaluate(CUT_OFF_LABELS) == []
        assert tab.evaluate(CUT_OFF_VALUES) == []
        for index in range(12):
            box = tab.locator('[data-testid="cbKpi"]').nth(index).bounding_box()
            assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, box
    finally:
        context.close()


def test_a_long_value_shrinks_to_fit_its_tile(browser):
    """All time, a team's figures run to 10.000.000 contacts and billions in revenue. On a
    1,280 px laptop such a value was cut off ("10.000.0…"); now its font shrinks to the tile.
    The tiles' own HTML and CSS in Chromium, in a group as narrow as on that laptop."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    try:
        tab = context.new_page()
        pair = [tiles.Tile(key=k, label="Contacten", value="10.000.000", help="h") for k in "ab"]
        revenue = [tiles.Tile(key="revenue", label="Omzet", value="€ 5.186.700.480", help="h")]
        group = tiles.group_html([pair, revenue])
        tab.set_content(
            f'<div style="width: 300px; font-family: sans-serif">{tiles.CSS}{group}</div>'
        )
        assert tab.locator('[data-testid="cbKpiValue"]').count() == 3
        assert tab.evaluate(CUT_OFF_VALUES) == []
        # Short values keep the full size.
        tab.set_content(
            f'<div style="width: 300px">{tiles.CSS}'
            + tiles.group_html([[tiles.Tile(key="a", label="A", value="51%", help="h")]])
            + "</div>"
        )
        size = tab.locator('[data-testid="cbKpiValue"]').evaluate(
            "(el) => getComputedStyle(el).fontSize"
        )
        assert size == "36px"  # 2.25rem
    finally:
        context.close()
