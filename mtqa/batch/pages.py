"""HTML for audit-batch: one report page per copy, and an index page of all copies in manifest order.

Pages go to ``OUT/html/copies/<name>.html`` as results arrive, each written to
a temporary name and renamed into place. The index, ``OUT/html/index.html``,
is written at the end of a run from the whole summary table, so a resumed run
lists every copy. Its rows follow the manifest, numbered, and a click on a
column heading sorts by that column (coverage, quality, flags, ...).
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from mtqa.batch.jobs import FLAG_KIND_COLUMNS, Job, JobResult
from mtqa.batch.tables import copy_shown, original_shown
from mtqa.errors import MtqaError
from mtqa.outputs import write_text_atomic
from mtqa.plural import plural
from mtqa.report.html import document
from mtqa.report.safe_text import visible

# (column, heading, number format or None for text); the flag counts by kind go after "major"
INDEX_COLUMNS = [
    ("row", "#", "{}"),
    ("id", "id", None),
    ("copy", "copy", None),
    ("original", "original", None),
    ("status", "status", None),
    ("coverage", "coverage", "{:.0%}"),
    ("mean_quality", "mean quality", "{:.2f}"),
    ("mean_cosine", "mean cosine", "{:.3f}"),
    ("corpus_chrf", "chrF", "{:.1f}"),
    ("corpus_bleu", "BLEU", "{:.1f}"),
    ("flags", "flags", "{}"),
    ("major_flags", "major", "{}"),
    ("verdict", "verdict", None),
]

INDEX_STYLE = """
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1rem 1.5rem 3rem; color: #1d1d1f; }
h1 { font-size: 1.25rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #e3e3e3; padding: .25rem .5rem; vertical-align: top; }
th { cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.error td { color: #c62828; }
.muted { color: #666; }
"""

INDEX_SCRIPT = """
(function () {
  var table = document.getElementById('copies');
  var body = table.tBodies[0];
  table.querySelectorAll('th').forEach(function (th, column) {
    var numeric = th.dataset.type === 'number';
    function sort() {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        var missing = (x === '') - (y === '');
        if (missing) { return missing; }  // errors and blanks stay at the bottom either way
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, {numeric: true});
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.tabIndex = 0;
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (event) { if (event.key === 'Enter') { sort(); } });
  });
})();
"""


def page_name(job_id: str) -> str:
    """A file name for a copy's page: the id where it is safe, with a hash of it where it is not."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", job_id)[:80].lstrip(".") or "copy"
    if safe != job_id:
        safe += "-" + hashlib.sha256(job_id.encode()).hexdigest()[:10]
    return f"{safe}.html"


class PageWriter:
    """Writes each result's page under ``folder/html/copies/`` and, at the end, ``folder/html/index.html``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "html"
        try:
            (self.folder / "copies").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MtqaError(f"cannot write to {self.folder}: {error.strerror}") from error

    def missing(self, jobs: list[Job], summary: pd.DataFrame) -> list[Job]:
        """The jobs audited without error (per ``summary``) whose page is not written yet."""
        ok = set(summary.id[summary.status == "ok"]) if len(summary) else set()
        return [job for job in jobs if job.id in ok and not (self.folder / "copies" / page_name(job.id)).exists()]

    def add(self, result: JobResult) -> None:
        """Write the result's page, if it has one (an error row has none)."""
        if result.html is not None:
            write_text_atomic(self.folder / "copies" / page_name(result.id), result.html)

    def write_index(self, summary: pd.DataFrame) -> Path:
        """Write the index of every copy in ``summary`` (the batch's whole summary table); return its path."""
        target = self.folder / "index.html"
        write_text_atomic(target, render_index(summary, {p.name for p in (self.folder / "copies").glob("*.html")}))
        return target


def render_index(summary: pd.DataFrame, pages: set[str]) -> str:
    """The index page: one row per copy in manifest order, linked to its page when there is one.

    Each row shows the copy's place in the manifest, its path and its
    original's (relative to the manifest's folder; a story found in the index
    by its id and title), its status and figures, and its flags: in all,
    major, and one column per flag kind raised anywhere in the batch.
    """
    rows = summary.sort_values(["row", "id"], na_position="last", kind="stable") if "row" in summary else summary
    counts = rows.status.value_counts() if len(rows) else pd.Series(dtype=int)
    ok, errors, no_source = (int(counts.get(status, 0)) for status in ("ok", "error", "no_source"))
    # a copy whose story the index lacks is an answer, not a failure: it is counted apart from the errors
    unsourced = f", {no_source} with no source found in the index" if no_source else ""
    kinds = [c for c in FLAG_KIND_COLUMNS if c in rows and rows[c].fillna(0).astype(int).sum() > 0]
    columns = INDEX_COLUMNS[:-1] + [(c, c.removeprefix("flags_"), "{}") for c in kinds] + INDEX_COLUMNS[-1:]
    head = "".join(
        f'<th scope="col" data-type="{"number" if pattern else "text"}">{escape(label)}</th>'
        for _, label, pattern in columns
    )
    body = "".join(_index_row(row, pages, columns) for row in rows.to_dict("records"))
    title = "mtqa audit-batch"
    content = (
        f"<h1>{title}</h1><p>{plural(len(rows), 'copy', 'copies')}, {ok} audited{unsourced}, "
        f"{errors} with errors. In manifest order; click a heading to sort by it. Paths are relative to the "
        'manifest\'s folder (or the folder of copies). <span class="muted">Coverage is the share '
        "of the original's sentences the copy renders; quality is the chance a professional rater finds no error."
        f'</span></p><table id="copies"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return document(title, content, INDEX_STYLE, INDEX_SCRIPT)


def _index_row(row: dict[Any, Any], pages: set[str], columns: list[tuple[str, str, str | None]]) -> str:
    cells = []
    for column, _, pattern in columns:
        value = row.get(column)
        missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
        if column == "id":
            name = page_name(str(value))
            text = escape(visible(str(value)))
            shown = f'<a href="copies/{escape(name)}">{text}</a>' if name in pages else text
            cells.append(f'<td data-value="{text}">{shown}</td>')
        elif column in ("copy", "original"):
            path = escape(visible(copy_shown(row) if column == "copy" else original_shown(row)))
            full = escape(visible(str(value or row.get("source") or "")))
            cells.append(f'<td data-value="{path}" title="{full}">{path}</td>')
        elif column == "verdict":
            shown = str(row.get("error") or "") if row.get("status") == "error" else str(value or "")
            if row.get("status") == "no_source":
                shown = "no source found in the index"
            shown = escape(visible(shown))
            cells.append(f'<td data-value="{shown}">{shown}</td>')
        elif pattern is None:
            shown = escape(visible("" if missing else str(value)))
            cells.append(f'<td data-value="{shown}">{shown}</td>')
        else:
            number = "" if missing else str(value)
            shown = "" if missing else pattern.format(value)
            cells.append(f'<td class="num" data-value="{escape(number)}">{escape(shown)}</td>')
    status = escape(str(row.get("status") or ""))
    return f'<tr class="{status}">{"".join(cells)}</tr>'
