"""Whole audit results in the batch's cache file, so a re-run of a batch is nearly free.

A report is kept as its three tables in Parquet (which keeps their dtypes)
and its summary and signature in JSON, never as a pickle: nothing read back
can run code. Its similarity matrices are not kept. A row that cannot be read
back (damaged, foreign, of an older layout) is a miss, and the audit is redone.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pandas as pd

from mtqa.embed.cache import open_cache
from mtqa.report.report import Report
from mtqa.report.summary import Signature, Summary


class ResultStore:
    """Audit reports in the cache file at ``path``, keyed by ``mtqa.batch.jobs.audit_key``."""

    ID_COLUMNS = ("reference_ids", "copy_ids")

    def __init__(self, path: Path) -> None:
        self._db: sqlite3.Connection = open_cache(path)

    def get(self, key: str) -> Report | None:
        """The stored report, or None when there is none or it cannot be read."""
        try:
            row = self._db.execute(
                "SELECT summary, signature, sentences, pairs, flags FROM reports WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            summary, signature = json.loads(row[0]), json.loads(row[1])
            sentences, pairs, flags = (pd.read_parquet(io.BytesIO(blob)) for blob in row[2:])
            for column in self.ID_COLUMNS:
                pairs[column] = pairs[column].map(lambda ids: [int(i) for i in ids])
            if not isinstance(summary, dict) or not isinstance(signature, dict):
                return None
            return Report(sentences, pairs, flags, Summary.from_dict(summary), Signature.from_dict(signature))
        except Exception:  # a damaged or foreign row is a miss; the audit is simply redone
            return None

    def put(self, key: str, report: Report) -> None:
        """Store ``report`` under ``key`` (the first writer wins)."""
        tables = []
        for frame in (report.sentences, report.pairs, report.flags):
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            tables.append(buffer.getvalue())
        self._db.execute(
            "INSERT OR IGNORE INTO reports VALUES (?, ?, ?, ?, ?, ?)",
            (key, json.dumps(report.summary.to_dict()), json.dumps(report.signature.to_dict()), *tables),
        )
