"""The Log a contact page: the form, its per-field errors, open commitments and recent contacts."""

from __future__ import annotations

import datetime as dt
import re

from kpi import contacts, db, ingest, metrics
from tests.pages.conftest import kpi_tiles, open_page

NO_PROBLEMS: list[str] = []


def count(path) -> int:
    con = db.connect(path)
    try:
        return metrics.summary(con)["contacts"]
    finally:
        con.close()


def latest(path) -> dict:
    con = db.connect(path)
    try:
        return con.execute("select * from contacts order by id desc limit 1").df().iloc[0].to_dict()
    finally:
        con.close()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def fill_good(at, account: str = "ACME") -> None:
    at.selectbox(key="log_account").set_value(account)
    at.text_input(key="log_contact_person").input("Jan Kok")
    at.button_group(key="log_contact_role").set_value("decision_maker")
    at.button_group(key="log_channel").set_value("visit")
    at.checkbox(key="log_quote_sent").check()
    at.number_input(key="log_quote_amount").set_value(1234.5)
    at.radio(key="log_commitment_level").set_value(3)
    at.text_area(key="log_commitment").input("Stelt ons voor aan de directie")
    at.date_input(key="log_commitment_due").set_value(dt.date.today() + dt.timedelta(days=14))
    at.button_group(key="log_would_repeat").set_value("partly")
    at.text_area(key="log_reflection").input("Eerder naar het budget vragen")
    at.text_area(key="log_lesson").input("Niet te snel een offerte sturen")
    at.checkbox(key="log_share_for_training").check()


def test_renders_on_demo_data(app_db):
    at = open_page("log_contact")
    assert not at.exception
    assert at.title[0].value == "Log a contact"
    # The director logs on behalf of a rep: the first one is picked.
    first = metrics.reps(db.connect(app_db))["rep_key"][0]
    assert at.selectbox(key="log_rep").value == first
    assert at.button(key="log_save").label == "Save contact"
    level = at.radio(key="log_commitment_level")
    assert level.value == 0
    assert "Customer acts" in level.options[2]
    assert (
        at.text_area(key="log_commitment").label
        == "Which commitment did you realise in this contact?"
    )
    assert (
        at.button_group(key="log_would_repeat").label == "Would you do it the same way next time?"
    )
    # Empty optional numbers stay empty, not 0.
    assert at.number_input(key="log_revenue").value is None
    assert "My open commitments" in [h.value for h in at.header]
    assert "My recent contacts" in [h.value for h in at.header]
    assert any(b.key.startswith("kept_") for b in at.button)


def test_bad_input_saves_nothing_and_keeps_what_was_typed(small_db):
    before = count(small_db)
    at = open_page("log_contact")
    at.selectbox(key="log_account").set_value("ACME")
    at.text_input(key="log_contact_person").input("Jan Kok")
    at.radio(key="log_commitment_level").set_value(2)  # level 2 needs a commitment text
    at.text_area(key="log_lesson").input("Eerst luisteren")
    at.button(key="log_save").click().run()

    assert not at.exception
    errors = texts(at.error)
    assert errors[0].startswith("Not saved: 2 problem(s)")
    assert "Channel is required" in errors
    assert "Commitment is required" in errors
    assert count(small_db) == before
    assert at.selectbox(key="log_account").value == "ACME"
    assert at.text_input(key="log_contact_person").value == "Jan Kok"
    assert at.radio(key="log_commitment_level").value == 2
    assert at.text_area(key="log_lesson").value == "Eerst luisteren"
    assert texts(at.success) == NO_PROBLEMS


def test_empty_account_is_named_next_to_the_field(small_db):
    at = open_page("log_contact")
    at.button_group(key="log_channel").set_value("phone")
    at.button(key="log_save").click().run()
    assert "Account is required" in texts(at.error)
    assert "Channel is required" not in texts(at.error)
    assert count(small_db) == 8


def test_good_input_saves_one_contact_and_clears_the_form(small_db):
    at = open_page("log_contact")
    fill_good(at)
    at.button(key="log_save").click().run()

    assert not at.exception
    assert texts(at.error) == NO_PROBLEMS
    message = "Saved: contact with ACME at level 3 · Access."
    assert texts(at.success) == [message]
    assert texts(at.toast) == [message]
    assert count(small_db) == 9
    row = latest(small_db)
    assert row["rep_key"] == "anna@x.nl"  # the first rep, picked by default
    assert row["account_key"] == "acme"
    assert row["contact_person"] == "Jan Kok"
    assert row["contact_role"] == "decision_maker"
    assert row["channel"] == "visit"
    assert bool(row["quote_sent"]) and float(row["quote_amount"]) == 1234.5
    assert row["revenue"] != row["revenue"]  # NaN: left empty, not 0
    assert row["commitment_level"] == 3
    assert row["commitment"] == "Stelt ons voor aan de directie"
    assert row["commitment_status"] == "open"
    assert row["would_repeat"] == "partly"
    assert row["lesson"] == "Niet te snel een offerte sturen"
    assert bool(row["share_for_training"])
    assert row["source"] == "form"
    # Ready for the next contact.
    assert at.selectbox(key="log_account").value is None
    assert at.text_input(key="log_contact_person").value == ""
    assert at.radio(key="log_commitment_level").value == 0
    assert at.number_input(key="log_quote_amount").value is None
    # The new open commitment is listed at once.
    assert "Stelt ons voor aan de directie" in texts(at.text)


def test_a_saved_contact_changes_the_numbers(app_db):
    def contacts_today() -> int:
        con = db.connect(app_db)
        try:
            return metrics.summary(con, metrics.Window(dt.date.today(), dt.date.today()))[
                "contacts"
            ]
        finally:
            con.close()

    before = contacts_today()
    at = open_page("log_contact")
    dashboard_before = contacts_metric(at.switch_page("views/dashboard.py").run())
    at.switch_page("views/log_contact.py").run()
    fill_good(at, account=at.selectbox(key="log_account").options[0])
    at.button(key="log_save").click().run()
    assert texts(at.success)
    assert contacts_today() == before + 1

    assert dashboard_before is not None
    at.switch_page("views/dashboard.py").run()
    assert not at.exception
    assert contacts_metric(at) == dashboard_before + 1


def contacts_metric(at) -> int | None:
    tile = kpi_tiles(at).get("Contacts")
    return int(re.sub(r"[^\d]", "", tile.value)) if tile else None


def test_marking_an_open_commitment_kept(small_db):
    at = open_page("log_contact")
    assert "Vervolgafspraak 1 april" in texts(at.text)  # C06, Anna's open commitment
    at.button(key="kept_6").click().run()

    assert texts(at.success) == ["Marked as kept: beta bv."]
    con = db.connect(small_db)
    assert (
        con.execute("select commitment_status from contacts where id = 6").fetchone()[0] == "kept"
    )
    con.close()
    assert "Vervolgafspraak 1 april" not in texts(at.text)
    assert "No open commitments" in texts(at.info)[0]


def test_someone_else_marked_it_first(small_db):
    at = open_page("log_contact")
    con = db.connect(small_db)
    assert contacts.set_commitment_status(con, 6, "broken") is None
    con.close()
    at.button(key="kept_6").click().run()
    assert texts(at.warning) == [
        "Someone else already marked this commitment: Broken. Nothing was changed."
    ]


def test_a_conflict_that_outlasts_the_retries_is_reported_not_dropped(small_db):
    at = open_page("log_contact")
    other = db.connect(small_db).cursor()  # another session, mid-change on the same contact
    other.execute("begin transaction")
    # The same column, to another value: DuckDB lets a change to other columns of the row pass.
    other.execute("update contacts set commitment_status = 'broken' where id = 6")
    try:
        at.button(key="kept_6").click().run()
    finally:
        other.execute("rollback")
    assert not at.exception
    assert "someone else at the same moment" in texts(at.warning)[0]
    con = db.connect(small_db)
    assert (
        con.execute("select commitment_status from contacts where id = 6").fetchone()[0] == "open"
    )
    con.close()
    assert "Vervolgafspraak 1 april" in texts(at.text)  # still open, to mark again


def test_rep_logs_as_themself_and_edits_and_deletes_own_contact(small_db):
    at = open_page("log_contact", role="rep", rep="bram@x.nl")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "log_rep"]
    assert "Logging as Bram Jansen." in texts(at.caption)

    # Edit: C05 is Bram's contact (id 5) with Beta BV.
    at.selectbox(key="log_edit_pick").set_value(5).run()
    assert at.text_area(key="edit5_commitment").value == "Introductie bij de directie"
    at.text_input(key="edit5_contact_person").input("Els de Wit")
    at.button(key="log_edit_save_5").click().run()
    assert texts(at.success) == ["Changes saved: Beta BV."]
    con = db.connect(small_db)
    person, status = con.execute(
        "select contact_person, commitment_status from contacts where id = 5"
    ).fetchone()
    con.close()
    assert (person, status) == ("Els de Wit", "broken")

    # Delete asks first.
    at.selectbox(key="log_edit_pick").set_value(5).run()
    at.button(key="log_delete_5").click().run()
    assert count(small_db) == 8
    assert "Delete this contact for good?" in texts(at.warning)[0]
    at.button(key="log_delete_yes_5").click().run()
    assert texts(at.success) == ["Deleted: contact with Beta BV."]
    assert count(small_db) == 7


def test_empty_database_says_what_to_do(empty_db):
    at = open_page("log_contact")
    assert not at.exception
    assert at.selectbox(key="log_rep").value is None
    assert "Choose a rep above" in texts(at.info)[0]


def test_language_switch_to_dutch(small_db):
    at = open_page("log_contact")
    assert at.title[0].value == "Log a contact"
    at.button_group(key="lang_switch").set_value("nl").run()
    assert not at.exception
    assert at.title[0].value == "Contact vastleggen"
    assert at.button(key="log_save").label == "Contactmoment opslaan"
    assert at.selectbox(key="log_account").label == "Klant"
    assert at.date_input(key="log_contact_date").proto.format == "DD-MM-YYYY"
    assert (
        at.text_area(key="log_commitment").label
        == "Welk commitment heb je gerealiseerd in dit contact?"
    )
    assert at.radio(key="log_commitment_level").options[2].endswith("Klant onderneemt actie")
    assert at.button(key="kept_6").label == "Nagekomen"


def test_dutch_messages_per_field(small_db):
    at = open_page("log_contact", lang="nl")
    at.radio(key="log_commitment_level").set_value(1)
    at.button(key="log_save").click().run()
    errors = texts(at.error)
    assert errors[0] == "Niet opgeslagen: 3 punt(en) om te verbeteren. Wat je typte blijft staan."
    assert {"Klant is verplicht", "Kanaal is verplicht", "Commitment is verplicht"} <= set(errors)
    assert count(small_db) == 8


def test_a_crm_contact_without_a_level_is_listed_and_its_level_recorded(small_db, tmp_path):
    """A contact from a CRM export has no level recorded: the rep's list says so (the page
    does not break on it), and the edit records one."""
    export = tmp_path / "calls.csv"
    export.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Call outcome\n"
        "9001,2026-06-29 10:00,Bram Jansen,Gamma NV,Connected\n",
        encoding="utf-8-sig",
    )
    con = db.connect(small_db)
    ingest.import_file(con, export, today=dt.date(2026, 6, 30))
    new = con.execute("select id from contacts where contact_id = 'hubspot:9001'").fetchone()[0]
    con.close()
    at = open_page("log_contact", role="rep", rep="bram@x.nl")
    assert not at.exception
    pick = at.selectbox(key="log_edit_pick")
    assert [o for o in pick.options if "Gamma NV" in o] == ["2026-06-29 · Gamma NV · Not recorded"]
    pick.set_value(new).run()
    at.radio(key=f"edit{new}_commitment_level").set_value(2)
    at.text_area(key=f"edit{new}_commitment").input("Zoekt de cijfers op")
    at.button(key=f"log_edit_save_{new}").click().run()
    assert texts(at.success) == ["Changes saved: Gamma NV."]
    con = db.connect(small_db)
    assert con.execute(
        "select commitment_level, commitment, contact_id from contacts where id = ?", [new]
    ).fetchone() == (2, "Zoekt de cijfers op", "hubspot:9001")
    con.close()


def _two_crm_calls(small_db, tmp_path) -> dict[str, int]:
    """Two HubSpot calls of Bram's, levels not recorded: ids by account."""
    export = tmp_path / "calls.csv"
    export.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Associated Contact,"
        "Call outcome,Call notes\n"
        "9001,2026-06-28 10:00,Bram Jansen,Gamma NV,,Connected,Belde over de offerte\n"
        "9002,2026-06-29 09:00,Bram Jansen,Delta BV,Piet Smit,Connected,\n",
        encoding="utf-8-sig",
    )
    con = db.connect(small_db)
    ingest.import_file(con, export, today=dt.date(2026, 6, 30))
    ids = dict(
        con.execute(
            "select account, id from contacts where source = 'import' and contact_id like 'hubspot:%'"
        ).fetchall()
    )
    con.close()
    return ids


def _row(small_db, contact: int) -> dict[str, object]:
    con = db.connect(small_db)
    cur = con.execute("select * exclude (updated_at) from contacts where id = ?", [contact])
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    con.close()
    return row


def test_a_reps_crm_contacts_wait_for_the_two_questions_newest_first(small_db, tmp_path):
    ids = _two_crm_calls(small_db, tmp_path)
    at = open_page("log_contact", role="rep", rep="bram@x.nl")
    assert not at.exception
    assert "Waiting for the two questions" in [h.value for h in at.header]
    assert any(
        c.startswith("2 of your contacts came from the CRM without a commitment level.")
        for c in texts(at.caption)
    )
    listed = [x for x in texts(at.text) if "Gamma NV" in x or "Delta BV" in x]
    assert listed[:2] == ["2026-06-29 · Delta BV · Piet Smit", "2026-06-28 · Gamma NV"]
    # Anna has none waiting: no such list for her.
    other = open_page("log_contact", role="rep", rep="anna@x.nl")
    assert "Waiting for the two questions" not in [h.value for h in other.header]

    gamma = ids["Gamma NV"]
    before = _row(small_db, gamma)
    at.button(key=f"log_waiting_open_{gamma}").click().run()
    level = at.radio(key=f"wait{gamma}_commitment_level")
    assert level.value is None  # not recorded, not a 0 nobody gave
    assert "Not recorded yet: choose the level the customer reached." in texts(at.caption)
    at.button(key=f"log_waiting_save_{gamma}").click().run()
    assert "Commitment level is required" in texts(at.error)
    assert _row(small_db, gamma) == before

    at.radio(key=f"wait{gamma}_commitment_level").set_value(2)
    at.text_area(key=f"wait{gamma}_commitment").input("Stuurt de cijfers")
    at.date_input(key=f"wait{gamma}_commitment_due").set_value(dt.date(2026, 7, 10))
    at.segmented_control(key=f"wait{gamma}_would_repeat").set_value("partly")
    at.text_area(key=f"wait{gamma}_lesson").input("Eerst de cijfers vragen")
    at.button(key=f"log_waiting_save_{gamma}").click().run()
    assert not at.exception
    assert texts(at.success) == ["Recorded: Gamma NV at level 2 · Customer acts."]
    after = _row(small_db, gamma)
    recorded = {
        "commitment_level": 2,
        "commitment": "Stuurt de cijfers",
        "commitment_due": dt.date(2026, 7, 10),
        "commitment_status": "open",
        "would_repeat": "partly",
        "lesson": "Eerst de cijfers vragen",
    }
    assert {k: after[k] for k in recorded} == recorded
    # Only those columns changed: the CRM's activity stays as it came.
    assert {k: v for k, v in after.items() if k not in recorded} == {
        k: v for k, v in before.items() if k not in recorded
    }
    assert after["notes"] == "Belde over de offerte"
    assert any(c.startswith("1 of your contacts came from the CRM") for c in texts(at.caption))
    assert not [b for b in at.button if b.key == f"log_waiting_open_{gamma}"]


def test_the_edit_form_shows_a_crm_contacts_level_as_not_chosen(small_db, tmp_path):
    ids = _two_crm_calls(small_db, tmp_path)
    delta = ids["Delta BV"]
    at = open_page("log_contact", role="rep", rep="bram@x.nl")
    at.selectbox(key="log_edit_pick").set_value(delta).run()
    assert at.radio(key=f"edit{delta}_commitment_level").value is None
    at.button(key=f"log_edit_save_{delta}").click().run()
    assert "Commitment level is required" in texts(at.error)
    assert _row(small_db, delta)["commitment_level"] is None
