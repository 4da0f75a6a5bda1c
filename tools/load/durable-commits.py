#!/usr/bin/env python3
"""Baseline for tools/load: how many one-row durable commits per second raw SQLite makes on this disk.

Same settings as the ledger file (WAL, synchronous=FULL), one row of about the size of an event per
transaction, committed one after another by one writer. Prints the rate; the load run prints it beside the
server's POST rate, whose group commit should make several requests cost one commit.
"""
import os
import sqlite3
import sys
import time

def main() -> None:
    path = sys.argv[1]
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events(sequence INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    payload = os.urandom(260)
    start = time.perf_counter()
    for _ in range(commits):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO events(payload) VALUES (?)", (payload,))
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    print(f"raw SQLite durable one-row commits: {commits / seconds:,.0f}/s ({commits} commits in {seconds:.2f} s)")

if __name__ == "__main__":
    main()
