"""Render a report as one self-contained HTML page: the two texts side by side, units linked, flags in place.

Everything is inline (CSS, JS, no fonts or images), so the file works opened
from disk with no network. Every piece of text goes through ``html.escape``.
The script only toggles classes and scrolls; the page reads fine without it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from html import escape
from typing import Any

from mtqa.report.html_assets import SCRIPT, STYLE
from mtqa.scoring.labels import NEUTRAL_LABELS
from mtqa.types import SEVERITY_RANK


def _token(value: object) -> str:
    """A value made safe as one CSS class token."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(value))


def _number(value: Any, pattern: str) -> str:
    return "n/a" if value is None or value != value else pattern.format(value)


def _short_signature(signature: dict[str, Any]) -> str:
    """The signature's headline: mtqa's version, the model and backend, and sacrebleu's metric signatures."""
    scorers = signature.get("scorers", {})
    parts = [
        f"mtqa {signature.get('mtqa', '?')}",
        f"{signature.get('model', '?')} ({signature.get('backend', '?')})",
        f"BLEU {scorers.get('bleu', '?')}",
        f"chrF {scorers.get('chrf', '?')}",
    ]
    return " · ".join(parts)


def _units(data: dict[str, Any]) -> dict[tuple[str, int], int]:
    """Map (side, sentence id) to its unit number."""
    owner: dict[tuple[str, int], int] = {}
    for number, unit in enumerate(data["pairs"]):
        for i in unit["reference_ids"]:
            owner["reference", i] = number
        for j in unit["copy_ids"]:
            owner["copy", j] = number
    return owner


def _tip(flags: list[tuple[int, dict[str, Any]]]) -> str:
    parts = []
    for number, flag in flags:
        suggestion = flag["suggestion"]
        parts.append(
            f'<span class="tip-flag"><b>{escape(flag["kind"])} · {escape(flag["severity"])}</b> (#{number + 1})'
            + (f'<br>suggest: <q class="suggestion">{escape(suggestion)}</q>' if suggestion else "")
            + f"<br>{escape(flag['message'])}</span>"
        )
    return f'<span class="tip" role="tooltip">{"".join(parts)}</span>'


WordMarks = dict[tuple[str, int], list[tuple[int, int, str, str]]]  # (side, sentence) -> (start, end, ids, title)


def _word_marks(data: dict[str, Any]) -> WordMarks:
    """Each aligned word of each sentence: its span, the ids of its links, and a title naming its counterpart."""
    found: dict[tuple[str, int, int, int], tuple[list[str], list[str]]] = {}
    for number, link in enumerate(data.get("words", [])):
        if link["reference_start"] is None or link["copy_start"] is None:
            continue
        score = "" if link["score"] is None else f" {link['score']:.2f}"
        for side, other in (("reference", "copy"), ("copy", "reference")):
            key = (side, link[f"{side}_id"], link[f"{side}_start"], link[f"{side}_end"])
            ids, titles = found.setdefault(key, ([], []))
            ids.append(f"w{number}")
            titles.append(f"→ {link[f'{other}_word']} ({link['match']}{score})")
    marks: WordMarks = defaultdict(list)
    for (side, sentence, start, end), (ids, titles) in sorted(found.items()):
        marks[side, sentence].append((start, end, " ".join(ids), "; ".join(titles)))
    return marks


def _with_words(text: str, offset: int, words: list[tuple[int, int, str, str]]) -> str:
    """``text`` (starting at ``offset`` of its document) escaped, its aligned words wrapped for hover."""
    out, position = [], offset
    end = offset + len(text)
    for start, stop, ids, title in words:
        left, right = max(start, position), min(stop, end)
        if left >= right:
            continue
        out.append(escape(text[position - offset : left - offset]))
        out.append(
            f'<span class="w" data-w="{escape(ids)}" title="{escape(title)}">'
            f"{escape(text[left - offset : right - offset])}</span>"
        )
        position = right
    out.append(escape(text[position - offset :]))
    return "".join(out)


def _mark(text: str, flags: list[tuple[int, dict[str, Any]]], first_of: set[int], inner: str | None = None) -> str:
    """One highlighted stretch of copy text covered by ``flags`` (the first element of a flag gets its id).

    ``inner`` is the stretch as HTML (its words wrapped), when not the escaped ``text``.
    """
    worst = max(flags, key=lambda f: SEVERITY_RANK.get(f[1]["severity"], 0))[1]
    ids = " ".join(str(n) for n, _ in flags)
    anchors = [n for n, _ in flags if n in first_of]
    attributes = f' id="flag-{anchors[0]}"' if anchors else ""
    # a flag that starts where another does gets an empty anchor, so #flag-N reaches every flag
    before = "".join(f'<span class="anchor" id="flag-{n}"></span>' for n in anchors[1:])
    label = "; ".join(f"{f['kind']} {f['severity']}: {f['suggestion'] or f['message']}" for _, f in flags)
    shown = (inner if inner is not None else escape(text)) if text else "&#8248;"  # an insertion shows a caret
    return before + (
        f'<mark class="flag kind-{_token(worst["kind"])} sev-{_token(worst["severity"])}'
        f'{" insertion" if not text else ""}" data-flags="{ids}"{attributes} tabindex="0" '
        f'aria-label="{escape(label)}">{shown}{_tip(flags)}</mark>'
    )


Placed = dict[int, list[tuple[int, dict[str, Any]]]]


def _place_flags(
    sentences: list[dict[str, Any]], flags: list[dict[str, Any]]
) -> tuple[Placed, list[tuple[int, dict[str, Any]]]]:
    """Give each flag to every copy sentence its span overlaps, and list the flags no sentence holds.

    A flag over several sentences (an unclosed quote runs to the paragraph's
    end) is marked in each. An insertion point goes to the sentence named by
    its ``copy_id`` if that sentence holds the point, else to the sentence
    holding it, else to the end of the last sentence before it.
    """
    placed: Placed = defaultdict(list)
    unplaced = []
    for number, flag in enumerate(flags):
        start, end = flag["start"], flag["end"]
        if start < end:
            holders = [s["id"] for s in sentences if s["start"] < end and start < s["end"]]
            for sid in holders:
                placed[sid].append((number, flag))
            if not holders:
                unplaced.append((number, flag))
            continue
        inside = [s for s in sentences if s["start"] <= start <= s["end"]]
        named = [s for s in inside if s["id"] == flag["copy_id"]]
        before = [s for s in sentences if s["end"] <= start]
        if named or inside:
            placed[(named or inside)[0]["id"]].append((number, flag))
        elif before:
            last = before[-1]
            placed[last["id"]].append((number, {**flag, "start": last["end"], "end": last["end"]}))
        else:
            unplaced.append((number, flag))
    return placed, unplaced


def _sentence_body(
    sentence: dict[str, Any],
    flags: list[tuple[int, dict[str, Any]]],
    placed: set[int],
    words: list[tuple[int, int, str, str]],
) -> str:
    """The sentence text with its flagged spans marked (overlapping flags share the stretches they cover)
    and its aligned words wrapped."""
    start, end, text = sentence["start"], sentence["end"], sentence["text"]
    spans = [(max(f["start"], start), min(f["end"], end), n, f) for n, f in flags]
    cuts = sorted({start, end, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out, first_of = [], {n for n, _ in flags if n not in placed}
    for left, right in itertools.pairwise(cuts):
        covering = [(n, f) for s, e, n, f in spans if s <= left and right <= e and s < e]
        inserted = [(n, f) for s, e, n, f in spans if s == e == left]
        if inserted:
            out.append(_mark("", inserted, first_of))
            first_of -= {n for n, _ in inserted}
        piece = text[left - start : right - start]
        if covering:
            out.append(_mark(piece, covering, first_of, _with_words(piece, left, words)))
            first_of -= {n for n, _ in covering}
        else:
            out.append(_with_words(piece, left, words))
    trailing = [(n, f) for s, e, n, f in spans if s == e == end]
    if trailing and any(n in first_of for n, _ in trailing):
        out.append(_mark("", [(n, f) for n, f in trailing if n in first_of], first_of))
    placed.update(n for n, _ in flags)
    return "".join(out)


def _side(
    data: dict[str, Any], side: str, owner: dict[tuple[str, int], int], flags_by_sentence: Any, words: WordMarks
) -> str:
    pairs = data["pairs"]
    omitted = {
        f["reference_id"]: n
        for n, f in enumerate(data["flags"])
        if f["kind"] == "omission" and f["reference_id"] is not None
    }
    other = "copy" if side == "reference" else "reference"
    paragraphs: dict[int, list[str]] = defaultdict(list)
    placed: set[int] = set()
    for sentence in (s for s in data["sentences"] if s["side"] == side):
        sid = sentence["id"]
        unit = owner.get((side, sid))
        counterpart = pairs[unit][f"{other}_ids"] if unit is not None else []
        label = pairs[unit]["label"] if unit is not None else ""
        classes = ["sent", f"label-{_token(label)}"]
        if not counterpart:
            classes.append("unaligned")
        if counterpart:
            badge = " ".join(f'<a class="link" href="#{other[0]}{k:d}">{other[0]}{k:d}</a>' for k in counterpart)
            if side == "copy" and label:
                badge += f' <span class="unit-label">{escape(label)}</span>'
        elif label in NEUTRAL_LABELS:  # page debris, or a sentence its own side already gave: not a finding
            badge = f'<span class="badge neutral">{escape(label)}</span>'
        elif side == "reference" and sid in omitted:
            badge = f'<a class="badge" href="#flag-{omitted[sid]:d}">omitted</a>'
        else:
            badge = f'<span class="badge">{"omitted" if side == "reference" else "added"}</span>'
        body = _sentence_body(sentence, flags_by_sentence.get(sid, []), placed, words.get((side, sid), []))
        hue = int(unit or 0) * 137 % 360
        ident = escape(f"{side[0]}{sid}")
        paragraphs[sentence["paragraph"]].append(
            f'<span class="{" ".join(classes)}" id="{ident}" data-unit="{escape(str(unit))}" data-side="{side}" '
            f'style="--hue:{hue}" tabindex="0"><sup class="sid">{ident}</sup>{body} '
            f'<sup class="links">{badge}</sup></span>'
        )
    return "\n".join(
        f'<p data-paragraph="{escape(str(p))}">{" ".join(items)}</p>' for p, items in sorted(paragraphs.items())
    )


def _flag_list(flags: list[dict[str, Any]]) -> str:
    kinds = sorted({f["kind"] for f in flags})
    boxes = "".join(
        f'<label><input type="checkbox" class="kind-filter" value="{escape(k)}" checked> {escape(k)}</label> '
        for k in kinds
    )
    rows = "".join(
        f'<tr class="flag-row sev-{_token(f["severity"])}" data-kind="{escape(f["kind"])}" '
        f'data-severity="{escape(f["severity"])}" data-flag="{n}" tabindex="0">'
        f"<td>{n + 1}</td><td>{escape(f['kind'])}</td><td>{escape(f['severity'])}</td>"
        f"<td>{escape(f['text']) or '<i>(insertion)</i>'}</td><td>{escape(f['suggestion'] or '')}</td>"
        f"<td>{escape(f['message'])}</td></tr>"
        for n, f in enumerate(flags)
    )
    return (
        '<section id="flags"><h2>Flags</h2><div class="filters">'
        f'{boxes}<select id="severity-filter"><option value="">any severity</option>'
        '<option value="major">major</option><option value="minor">minor</option></select> '
        '<input id="text-filter" type="search" placeholder="filter text"></div>'
        "<table><thead><tr><th>#</th><th>kind</th><th>severity</th><th>copy text</th><th>suggestion</th>"
        f"<th>evidence</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def render_html(data: dict[str, Any], title: str = "mtqa audit", index_href: str | None = None) -> str:
    """Return the page for a report's JSON form, ``Report.to_dict()`` (or a saved ``--format json``).

    Args:
        data: ``Report.to_dict()``.
        title: The page title.
        index_href: A link back to a batch's index page, if any.

    Returns:
        A complete HTML document.
    """
    summary, signature = data["summary"], data["signature"]
    owner = _units(data)
    words = _word_marks(data)
    flags = data["flags"]
    by_sentence, unplaced = _place_flags([s for s in data["sentences"] if s["side"] == "copy"], flags)
    kinds = ", ".join(f"{escape(str(k))} {escape(str(v))}" for k, v in summary["flags_by_kind"].items()) or "none"
    figures = [
        ("coverage", _number(summary["coverage"], "{:.0%}")),
        ("copy coverage", _number(summary["copy_coverage"], "{:.0%}")),
        ("mean cosine", _number(summary["mean_cosine"], "{:.3f}")),
        ("mean quality", _number(summary.get("mean_quality"), "{:.2f}")),
        ("corpus BLEU", _number(summary["corpus_bleu"], "{:.1f}")),
        ("corpus chrF", _number(summary["corpus_chrf"], "{:.1f}")),
        ("flags", f"{escape(str(summary['flags']))} ({kinds})"),
    ]
    header = "".join(f'<div class="figure"><span>{escape(k)}</span><b>{v}</b></div>' for k, v in figures)
    start_marks = (
        '<p class="start-flags">' + "".join(_mark(f["text"], [(n, f)], {n}) for n, f in unplaced) + "</p>"
        if unplaced
        else ""
    )
    nav = f'<nav><a href="{escape(index_href)}">&larr; all copies</a></nav>' if index_href else ""
    body = (
        f'<header>{nav}<h1>{escape(title)}</h1><p class="verdict">{escape(summary["verdict"])}</p>'
        f'<div class="figures">{header}</div>'
        f'<details><summary>signature: <code class="signature">{escape(_short_signature(signature))}</code>'
        f"</summary><pre>{escape(json.dumps(signature, indent=2))}</pre></details>"
        '<p class="legend">Hover or focus a sentence to light up its counterpart; a click pins it and brings the '
        "counterpart into view (Escape unpins); the small links jump to it. Hover a word to light up the word "
        "that renders it. "
        "Marked spans are flags: hover or focus one for the suggestion and the evidence.</p></header>"
        '<main class="texts"><section class="side" id="original"><h2>Original</h2>'
        f"{_side(data, 'reference', owner, {}, words)}</section>"
        f'<section class="side" id="copy"><h2>Copy</h2>{start_marks}'
        f"{_side(data, 'copy', owner, by_sentence, words)}</section></main>"
        f"{_flag_list(flags)}"
    )
    return document(title, body, STYLE, SCRIPT)


def document(title: str, body: str, style: str, script: str) -> str:
    """A complete page with inline ``style`` and ``script``, whose policy forbids loading anything."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{style}</style></head><body>{body}<script>{script}</script></body></html>\n"
    )
