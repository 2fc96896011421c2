"""A stand-in for the app in another process, for the reliability tests.

It holds the database as the app does (one connection, a cursor per save, the backup watcher)
and can save contacts through the form's code path in a loop, printing each id it saw confirmed:

    python -m tests.reliability.app_like DB [--threads N] [--import-every K] [--no-watch]
    python -m tests.reliability.app_like DB --work edit|delete|mark|roster|language

Prints "ready", then "saved <id> <marker>" per confirmed save and "imported <file id>" per
imported file (K saves, then one small file with good and bad rows). With --work it repeats
one other change a page makes, in one session, and prints "done <what>" after each one it saw
confirmed (the crash matrix, tests/reliability/crash_matrix.py, kills it and checks).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from kpi import backup, contacts, db, ingest, preferences, roster

TODAY_TEXT = "2026-03-31"
_print_lock = threading.Lock()


def say(line: str) -> None:
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def contact(marker: str) -> dict[str, object]:
    return {
        "contact_date": TODAY_TEXT,
        "rep": "anna@example.nl",
        "account": f"Account {marker}",
        "channel": "visit",
        "commitment_level": 2,
        "commitment": f"commitment {marker}",
        "notes": marker,
    }


def small_file(n: int) -> bytes:
    """A small import file, different every time: 5 good rows and 1 bad one."""
    rows = [f"{TODAY_TEXT},bert@example.nl,File {n} row {i},phone,file-{n}-{i}" for i in range(5)]
    rows.append(f"{TODAY_TEXT},bert@example.nl,File {n} bad,fax,file-{n}-bad")
    return ("contact_date,rep,account,channel,notes\n" + "\n".join(rows) + "\n").encode()


def saver(con, worker: int, import_every: int, stop: threading.Event) -> None:
    cur = con.cursor()  # the app's cursor per run
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"p{os.getpid()}-w{worker}-{n}"  # unique across restarts too
        result = contacts.save_contact(cur, contact(marker))
        if not result.ok:
            say(f"error {result.errors}")
            return
        say(f"saved {result.id} {marker}")
        if import_every and n % import_every == 0:
            imported = ingest.import_bytes(cur, small_file(worker * 1_000_000 + n), "small.csv")
            say(f"imported {imported.file_id}")


def edited(k: int) -> dict[str, object]:
    """The k-th edit: every text field says k, so a half-made edit would show."""
    return contact(f"v{k}") | {"reflection": f"v{k}", "lesson": f"lesson v{k}"}


def repeat(con, work: str) -> None:
    """One page's change, again and again, each confirmed with a "done" line."""
    cur = con.cursor()
    ids = [r[0] for r in cur.execute("select id from contacts order by id").fetchall()]
    for k in range(1, 10**9):
        if work == "edit":
            contact_id = ids[k % len(ids)]
            assert contacts.update_contact(cur, contact_id, edited(k)).ok
            say(f"done {contact_id} {k}")
        elif work == "delete":
            if k > len(ids):
                break
            assert contacts.delete_contact(cur, ids[k - 1])
            say(f"done {ids[k - 1]}")
        elif work == "mark":
            if k > len(ids):
                break
            status = ("kept", "broken")[k % 2]
            assert contacts.set_commitment_status(cur, ids[k - 1], status) is None
            say(f"done {ids[k - 1]} {status}")
        elif work == "roster":
            email = f"person{k}@example.nl"
            roster.add_person(cur, email, f"Person {k}", "Team Noord", "rep", by="crash")
            say(f"done add {email}")
            roster.update_person(cur, email, f"Person {k} B", "Team Zuid", "rep", by="crash")
            say(f"done change {email}")
            if k % 2:
                roster.remove_person(cur, email, by="crash")
                say(f"done remove {email}")
        elif work == "language":
            email, lang = f"user{k % 7}@example.nl", ("nl", "en")[k % 2]
            preferences.remember_language(cur, email, lang)
            say(f"done {email} {lang} {k}")
    say("finished")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--threads", type=int, default=0, help="savers; 0 only holds the file")
    parser.add_argument("--import-every", type=int, default=0)
    parser.add_argument("--no-watch", action="store_true", help="no backup watcher")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--work", choices=("edit", "delete", "mark", "roster", "language"))
    args = parser.parse_args()
    con = db.connect(args.database)
    if not args.no_watch:
        backup.serve_requests(con, args.database)
    stop = threading.Event()
    workers = [
        threading.Thread(target=saver, args=(con, i, args.import_every, stop), daemon=True)
        for i in range(args.threads)
    ]
    say("ready")
    if args.work:
        repeat(con, args.work)
        con.close()
        return 0
    for worker in workers:
        worker.start()
    time.sleep(args.seconds)
    stop.set()
    for worker in workers:
        worker.join()
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
