"""Writes a pgbench script that runs the safety fast path's own statement (ainet/api/
fastpath.py: the token, user, campaign and epoch guard, the in-campaign access check, the
insert and the latest-status upsert) as a fresh update from one supporter, for
bench_safety_updates.py: pgbench then shows what PostgreSQL alone reaches with ainet's work,
with no HTTP and no Python, beside its rate for a bare single-row INSERT.

The statement is the one a worker builds for a new personal API token of `--username` in
`--campaign`, with its parameters written in; only the idempotency key (fresh each time) and
the person (one of `--people`, at random) vary. Run in ainet's environment (Django settings
on the scratch database). ALL data is synthetic.

    python bench/fastpath_statement.py --username U --campaign 1 --people 3,5,8 --out F.sql
"""

from __future__ import annotations

import argparse
import uuid

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from ainet.api import fastpath  # noqa: E402
from ainet.core import tokens  # noqa: E402
from ainet.core.dates import today_tokyo  # noqa: E402
from ainet.core.models import User  # noqa: E402

PERSON = 987_654_321_987  # stand-ins, replaced by pgbench expressions below
KEY = "pgbench-key-" + uuid.uuid4().hex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--username", required=True)
    parser.add_argument("--campaign", type=int, required=True)
    parser.add_argument("--people", required=True, help="person ids the user sees, comma-separated")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    people = [int(p) for p in args.people.split(",")]
    secret = tokens.issue(User.objects.get(username=args.username), "pgbench", 1)
    entry = fastpath._entry(secret, args.campaign, today_tokyo())
    if entry is None:
        raise SystemExit("no fast-path statement for this token and campaign")
    data = {"idempotency_key": KEY, "person": PERSON, "status": "safe", "note": ""}
    prepared = fastpath._prepared(entry, data)
    assert prepared is not None
    _update, values, _timed = prepared
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as cursor:
        sql = cursor.mogrify(entry.sql, values)
    if sql.count(str(PERSON)) != 2 or sql.count(KEY) != 1:
        raise SystemExit("cannot find the person and key in the statement")
    # A fresh key each time, as a phone makes one; a person of the user's at random.
    sql = sql.replace(f"'{KEY}'", "md5(random()::text || clock_timestamp()::text)")
    sql = sql.replace(str(PERSON), f"(ARRAY[{', '.join(map(str, people))}])[:i]")
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(f"\\set i random(1, {len(people)})\n{' '.join(sql.split())};\n")


if __name__ == "__main__":
    main()
