"""Fuzz the importer with generated contact logs; the long run is `make fuzz`.

    python -m tests.reliability.fuzz_import [--files N] [--seconds S] [--seed K] [--keep DIR]

Each file is a random mix of good rows, rows that break one rule, blank lines and odd quoting,
in a random encoding (UTF-8 with or without BOM, Windows-1252, UTF-16, or .xlsx), delimiter,
header spelling and line ending. Every tenth or so file is then mangled at random (bytes
flipped, inserted or cut). For every file the import either refuses it whole, changing nothing,
or reads it; then rows read = accepted + rejected, the database holds exactly those rows, and
for an unmangled file accepted and rejected are exactly the good and bad rows written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi import db, ingest
from kpi import fields as F

TODAY = dt.date(2026, 6, 30)
REPS = ("anna@x.nl", "Bram de Vries", "cees@x.nl", "Daan Öztürk", "eva@x.nl")
WORDS = (
    "klant", "offerte", "budget", "directie", "pilot", "Zoekt uit", "belt terug", "€ 1.200",
    "dubbele \"quote\"", "komma, hier", "punt;komma", "tab\there", "regel\nerbij", "crème brûlée",
    "naïef", "’s-Hertogenbosch", "  spaties  ",
)  # fmt: skip
WIDE_WORDS = ("👍", "مرحبا", "שלום", "中文", "zero\u200bwidth")  # not in Windows-1252
BAD_RULES = (
    "bad_date", "future_date", "missing_rep", "missing_account", "missing_channel",
    "missing_date", "bad_enum", "bad_bool", "negative", "ambiguous", "too_many_decimals",
    "bad_level", "missing_commitment", "status_without_commitment", "too_many_fields",
    "too_few_fields",
)  # fmt: skip


@dataclass
class Stats:
    files: int = 0
    refused: int = 0
    skipped: int = 0
    mangled: int = 0
    rows_read: int = 0
    accepted: int = 0
    updated: int = 0
    rejected: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.kinds.items()))
        return (
            f"{self.files} files ({kinds}; {self.mangled} mangled, {self.refused} refused whole, "
            f"{self.skipped} skipped as seen before): {self.rows_read} rows read = "
            f"{self.accepted} accepted ({self.updated} updates) + {self.rejected} rejected"
        )


@dataclass
class Generated:
    data: bytes
    suffix: str
    kind: str
    good: int
    bad: int
    broken_tail: bool  # an unterminated quote at the end: one more rejected row


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_ids: list[str] = []
        self.serial = 0

    # -- values --------------------------------------------------------------------------

    def text(self, wide: bool) -> str:
        words = WORDS + (WIDE_WORDS if wide else ())
        return " ".join(self.rng.choice(words) for _ in range(self.rng.randint(1, 4)))

    def date(self, day: dt.date) -> str:
        form = self.rng.choice(("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"))
        return day.strftime(form)

    def past(self) -> dt.date:
        return TODAY - dt.timedelta(days=self.rng.randint(0, 800))

    def amount(self) -> str:
        whole = self.rng.randint(0, 250_000)
        cents = self.rng.randint(0, 99)
        return self.rng.choice(
            (
                f"{whole}",
                f"{whole}.{cents:02d}",
                f"{whole},{cents:02d}",
                f"{whole:,}.{cents:02d}",
                f"{whole:,}.{cents:02d}".replace(",", "_").replace(".", ",").replace("_", "."),
                f"€ {whole}",
                f"{whole},5",
            )
        )

    def enum(self, name: str) -> str:
        value = self.rng.choice(list(F.enum_aliases(name)))
        return self.rng.choice((value, value.upper(), value.title(), f" {value} "))

    def good_row(self, wide: bool) -> dict[str, str]:
        rng = self.rng
        level = rng.randint(0, 4)
        row = {
            "contact_date": self.date(self.past()),
            "rep": rng.choice(REPS),
            "account": self.text(wide).strip() or "Acme",
            "channel": self.enum("channel"),
            "commitment_level": str(level),
        }
        if level:
            row["commitment"] = self.text(wide).strip() or "iets"
            if rng.random() < 0.5:
                row["commitment_status"] = self.enum("status")
            if rng.random() < 0.5:
                row["commitment_due"] = self.date(self.past() + dt.timedelta(days=400))
        if rng.random() < 0.5:
            row["contact_role"] = self.enum("role")
        for name in ("appointment_planned", "quote_sent", "share_for_training"):
            if rng.random() < 0.4:
                row[name] = rng.choice(F.BOOL_TRUE + F.BOOL_FALSE).upper()
        for name in ("quote_amount", "revenue"):
            if rng.random() < 0.3:
                row[name] = self.amount()
        if rng.random() < 0.4:
            row["would_repeat"] = self.enum("repeat")
        for name in ("contact_person", "reflection", "lesson", "notes"):
            if rng.random() < 0.4:
                row[name] = self.text(wide)
        return row

    def bad_row(self, wide: bool, shapes: bool) -> tuple[dict[str, str], str]:
        """A row that breaks one rule; shapes=False leaves out too many or too few fields (a
        sheet has no such rows: a missing cell is empty, a cell beyond the header ignored)."""
        row = self.good_row(wide)
        rules = BAD_RULES if shapes else BAD_RULES[:-2]
        rule = self.rng.choice(rules)
        if rule == "bad_date":
            row["contact_date"] = self.rng.choice(
                ("2026-13-01", "31-02-2026", "gisteren", "2026/03/31")
            )
        elif rule == "future_date":
            row["contact_date"] = self.date(TODAY + dt.timedelta(days=self.rng.randint(1, 30)))
        elif rule.startswith("missing_") and rule != "missing_commitment":
            field_name = {"date": "contact_date"}.get(rule[8:], rule[8:])
            row[field_name] = self.rng.choice(("", "   "))
        elif rule == "bad_enum":
            row["channel"] = "fax"
        elif rule == "bad_bool":
            row["quote_sent"] = "misschien"
        elif rule == "negative":
            row["revenue"] = "-5"
        elif rule == "ambiguous":
            row["quote_amount"] = "1.234"
        elif rule == "too_many_decimals":
            row["revenue"] = "12,3456"
        elif rule == "bad_level":
            row["commitment_level"] = self.rng.choice(("5", "x", "-1", "2.5"))
        elif rule == "missing_commitment":
            row["commitment_level"] = str(self.rng.randint(1, 4))
            row.pop("commitment", None)
        elif rule == "status_without_commitment":
            row["commitment_level"] = "0"
            row["commitment_status"] = "open"
        return row, rule

    # -- files ---------------------------------------------------------------------------

    def file(self) -> Generated:
        rng = self.rng
        kind = rng.choices(("utf-8", "utf-8-sig", "cp1252", "utf-16", "xlsx"), (4, 3, 2, 1, 1))[0]
        wide = kind not in ("cp1252",)
        delimiter = rng.choice((",", ";", "\t"))
        optional = [f.name for f in F.FIELDS if not f.required and f.name != "contact_id"]
        columns = list(F.REQUIRED) + rng.sample(optional, rng.randint(0, len(optional)))
        with_id = rng.random() < 0.6
        if with_id:
            columns.append("contact_id")
        # Every field the rows may fill must have a column (a rule needs its column).
        needed = ("commitment_level", "commitment", "commitment_status", "commitment_due")
        needed += ("quote_sent", "revenue", "quote_amount")
        columns += [c for c in needed if c not in columns]
        rng.shuffle(columns)
        headers = [self.header(c) for c in columns]
        extra = rng.random() < 0.3
        if extra:
            headers.append(rng.choice(("regio", "_intern", "Opmerking extra")))

        records: list[list[str] | None] = []  # None: a blank line
        good = bad = 0
        ids_here: set[str] = set()
        for _ in range(rng.randint(0, 40)):
            roll = rng.random()
            if roll < 0.08:
                records.append(None)
                continue
            if roll < 0.7:
                row, rule = self.good_row(wide), None
                good += 1
            else:
                row, rule = self.bad_row(wide, shapes=kind != "xlsx")
                bad += 1
            if with_id:
                row["contact_id"] = self.contact_id(ids_here)
            cells = [row.get(c, "") for c in columns] + ([self.text(wide)] if extra else [])
            if rule == "too_many_fields":
                cells.append("extra")
            elif rule == "too_few_fields":
                cells = cells[:-1]
            records.append(cells)
        broken_tail = kind != "xlsx" and rng.random() < 0.1
        if kind == "xlsx":
            data = self.xlsx(headers, records)
            return Generated(data, ".xlsx", kind, good, bad, False)
        text, newline = self.csv_text(headers, records, delimiter)
        if broken_tail:
            text += delimiter.join(['"never closed'] + ["x"] * (len(headers) - 1))
            if rng.random() < 0.5:
                text += newline + "more,lines" + newline
        elif rng.random() < 0.2:
            text = text.rstrip("\r\n")  # no newline at the end
        data = text.encode(kind)
        return Generated(data, rng.choice((".csv", ".txt")), kind, good, bad, broken_tail)

    def header(self, name: str) -> str:
        nl = F.BY_NAME[name].nl
        spelled = nl if nl and self.rng.random() < 0.5 else name
        return self.rng.choice((spelled, spelled.upper(), f" {spelled.title()} "))

    def contact_id(self, ids_here: set[str]) -> str:
        if self.used_ids and self.rng.random() < 0.15:
            candidate = self.rng.choice(self.used_ids)  # an update of an earlier file's contact
            if candidate not in ids_here:
                ids_here.add(candidate)
                return candidate
        self.serial += 1
        new = f"F-{self.serial}"
        ids_here.add(new)
        self.used_ids.append(new)
        return new

    def csv_text(
        self, headers: list[str], records: list[list[str] | None], delimiter: str
    ) -> tuple[str, str]:
        """The CSV text, ending in a newline, and the newline it uses."""
        out = io.StringIO()
        newline = self.rng.choice(("\n", "\r\n"))
        quoting = self.rng.choice((csv.QUOTE_MINIMAL, csv.QUOTE_ALL))
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
        writer.writerow(headers)
        for record in records:
            if record is None:
                out.write(self.rng.choice(("", delimiter * (len(headers) - 1))) + newline)
            else:
                writer.writerow(record)
        return out.getvalue(), newline

    def xlsx(self, headers: list[str], records: list[list[str] | None]) -> bytes:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(headers)
        for record in records:
            sheet.append(record or [])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=..." stays text
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def mangle(self, data: bytes) -> bytes:
        rng = self.rng
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            action = rng.choice(("flip", "insert", "delete", "cut"))
            at = rng.randint(0, max(len(data) - 1, 0))
            if action == "flip" and data:
                data[at] = rng.randrange(256)
            elif action == "insert":
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            elif action == "delete" and data:
                del data[at : at + rng.randint(1, 4)]
            elif action == "cut":
                del data[at:]
        return bytes(data)


def _state(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    return con.execute(
        "select (select count(*) from contacts), (select count(*) from rejects),"
        " (select count(*) from imported_files)"
    ).fetchone()


def check_one(con, path: Path, generated: Generated, mangled: bool, stats: Stats) -> None:
    """Import one file and check every promise; AssertionError says which one broke."""
    before = _state(con)
    try:
        result = ingest.import_file(con, path, today=TODAY)
    except ingest.FileUnreadable as exc:
        assert str(exc) and "\n" not in str(exc), f"a refusal is one line: {exc!r}"
        assert _state(con) == before, "a refused file changed the database"
        assert mangled, f"a well-formed file was refused: {exc}"
        stats.refused += 1
        return
    after = _state(con)
    if result.skipped:
        assert after == before, "a skipped file changed the database"
        stats.skipped += 1
        return
    assert result.rows_read == result.accepted + result.rejected, result
    inserted = result.accepted - result.updated
    assert after == (before[0] + inserted, before[1] + result.rejected, before[2] + 1), (
        before,
        after,
        result,
    )
    file_row = con.execute(
        "select rows_read, accepted, updated, rejected from imported_files where id = ?",
        [result.file_id],
    ).fetchone()
    assert file_row == (result.rows_read, result.accepted, result.updated, result.rejected)
    mine = con.execute(
        "select (select count(*) from contacts where file_id = $f),"
        " (select count(*) from rejects where file_id = $f and len(reasons) > 0)",
        {"f": result.file_id},
    ).fetchone()
    assert mine == (result.accepted, result.rejected), (mine, result)
    if not mangled:
        expected = (generated.good, generated.bad + generated.broken_tail)
        assert (result.accepted, result.rejected) == expected, (expected, result)
    stats.rows_read += result.rows_read
    stats.accepted += result.accepted
    stats.updated += result.updated
    stats.rejected += result.rejected


def run(
    files: int,
    seed: int,
    folder: Path,
    seconds: float | None = None,
    keep: Path | None = None,
) -> tuple[Stats, list[str]]:
    """Generate and import `files` files (or for `seconds`): the figures, and one line per file
    that broke a promise (kept in `keep`, or `folder`, to import again by hand)."""
    rng = random.Random(seed)
    generator = Generator(rng)
    stats = Stats()
    failures: list[str] = []
    con = db.connect(folder / "fuzz.duckdb")
    deadline = time.monotonic() + seconds if seconds else None
    try:
        n = 0
        while (deadline is None and n < files) or (deadline and time.monotonic() < deadline):
            n += 1
            generated = generator.file()
            mangled = rng.random() < 0.1
            data = generator.mangle(generated.data) if mangled else generated.data
            path = folder / f"fuzz-{seed}-{n}{generated.suffix}"
            path.write_bytes(data)
            try:
                check_one(con, path, generated, mangled, stats)
                if rng.random() < 0.05:  # the same content again: skipped, nothing changes
                    check_one(con, path, generated, mangled, stats)
            except Exception as exc:  # every broken promise is kept and counted, not just one
                kept = (keep or folder) / path.name
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_bytes(data)
                failures.append(
                    f"{kept} ({generated.kind}, mangled={mangled}): {type(exc).__name__}: "
                    + " ".join(str(exc).split())[:300]
                )
            path.unlink()
            stats.files += 1
            stats.mangled += mangled
            stats.kinds[generated.kind] = stats.kinds.get(generated.kind, 0) + 1
    finally:
        con.close()
    return stats, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seconds", type=float, help="run this long instead of --files")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", type=Path, default=Path("bench/out/fuzz"))
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="commitboard-fuzz-") as tmp:
        stats, failures = run(args.files, args.seed, Path(tmp), args.seconds, args.keep)
    outcome = f"{len(failures)} FAILED" if failures else "no promise broken"
    print(f"seed {args.seed}: {stats.line()}; {outcome}; {time.monotonic() - started:.0f} s")
    for failure in failures[:10]:
        print(f"FAILED: {failure}", file=sys.stderr)
    if len(failures) > 10:
        print(f"... and {len(failures) - 10} more, kept in {args.keep}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
