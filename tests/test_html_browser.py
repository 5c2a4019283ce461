"""The HTML report of the seed pair, opened from disk in headless Chromium and checked in the live DOM.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it), driven by
Playwright. Without it these tests fail, unless ``MTQA_SKIP_BROWSER=1`` says to
skip them. The screenshot goes to ``artifacts/report.png`` (or
``$MTQA_ARTIFACTS/report.png``), with the page beside it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtqa import audit
from mtqa.embed.base import Embedder
from tests.conftest import read_pair

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a container Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def artifacts() -> Path:
    folder = Path(os.environ.get("MTQA_ARTIFACTS") or ROOT / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("MTQA_SKIP_BROWSER") == "1":
            pytest.skip("no Chromium; MTQA_SKIP_BROWSER=1")
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium, or set MTQA_SKIP_BROWSER=1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


class Page:
    """A report opened from disk, with every request and script error it made."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(10_000)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.goto(self.url, wait_until="load")

    def js(self, expression: str, argument: Any = None) -> Any:
        return self.page.evaluate(expression, argument)

    def active(self, state: str = "active") -> set[str]:
        """The sentences lit by hover or focus (``active``) or by a click (``pinned``)."""
        return set(self.js(f"Array.from(document.querySelectorAll('.sent.{state}')).map(e => e.id)"))

    def lit(self, selector: str) -> bool:
        """Whether the sentence is drawn highlighted (the ring that hover, focus and a click give)."""
        return self.js("s => getComputedStyle(document.querySelector(s)).boxShadow", selector) != "none"

    def in_view(self, selector: str) -> bool:
        return bool(
            self.js(
                """s => { const r = document.querySelector(s).getBoundingClientRect();
                         return r.bottom > 0 && r.top < window.innerHeight; }""",
                selector,
            )
        )


@pytest.fixture(scope="module")
def seed(browser: Any, onnx_embedder: Embedder) -> Iterator[tuple[Page, dict[str, Any]]]:
    report = audit(*read_pair("seed"), embedder=onnx_embedder)
    path = artifacts() / "report.html"
    path.write_text(report.to_html("mtqa audit: seed copy against the original"), encoding="utf-8")
    page = Page(browser, path)
    yield page, report.to_dict()
    page.page.close()


def marked_text(sentences: list[dict[str, Any]], flag: dict[str, Any]) -> str:
    """What a flag's marks should show: its span within each copy sentence it overlaps (a caret for a point)."""
    if flag["start"] == flag["end"]:
        return "\u2038"
    return "".join(
        s["text"][max(flag["start"], s["start"]) - s["start"] : min(flag["end"], s["end"]) - s["start"]]
        for s in sentences
        if s["side"] == "copy" and s["start"] < flag["end"] and flag["start"] < s["end"]
    )


def test_every_flag_is_a_highlighted_span_with_its_suggestion(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    assert len(data["flags"]) >= 40
    marks = page.js(
        """() => Array.from(document.querySelectorAll('mark.flag')).map(m => ({
             flags: m.dataset.flags.split(' ').map(Number),
             text: Array.from(m.childNodes).filter(n => !(n.classList && n.classList.contains('tip')))
                     .map(n => n.textContent).join(''),
             tip: m.querySelector('.tip').textContent,
             border: parseFloat(getComputedStyle(m).borderBottomWidth),
             width: m.getBoundingClientRect().width }))"""
    )
    for number, flag in enumerate(data["flags"]):
        mine = [m for m in marks if number in m["flags"]]
        assert mine, f"flag {number} ({flag['kind']}) has no mark"
        assert all(m["border"] >= 2 and m["width"] > 0 for m in mine), f"flag {number} is not highlighted"
        shown = "".join(m["text"] for m in mine)
        expected = marked_text(data["sentences"], flag)
        assert shown == expected, f"flag {number} marks {shown!r}, not {expected!r}"
        if flag["suggestion"]:
            assert all(flag["suggestion"] in m["tip"] for m in mine), f"flag {number} lacks its suggestion"
        assert all(flag["message"] in m["tip"] for m in mine)


def test_a_flag_shows_its_suggestion_on_hover_and_on_keyboard_focus(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    number = next(n for n, f in enumerate(data["flags"]) if f["kind"] == "name" and f["suggestion"])
    tip = f"#flag-{number} > .tip"
    assert not page.page.is_visible(tip)
    page.page.hover(f"#flag-{number}")
    assert page.page.is_visible(tip)
    assert data["flags"][number]["suggestion"] in page.page.inner_text(tip)
    page.page.mouse.move(0, 0)
    assert not page.page.is_visible(tip)
    page.page.focus(f"#flag-{number}")
    assert page.page.is_visible(tip)
    page.js("() => document.activeElement.blur()")


def test_hovering_or_clicking_a_copy_sentence_lights_its_original_counterparts(
    seed: tuple[Page, dict[str, Any]],
) -> None:
    page, data = seed
    aligned = [u for u in data["pairs"] if u["reference_ids"] and u["copy_ids"]]
    moved = [u for u in aligned if any(abs(i - j) > 5 for i in u["reference_ids"] for j in u["copy_ids"])]
    assert len(aligned) >= 10 and moved, "the seed has moved paragraphs"
    for unit in aligned:
        expected = {f"r{i}" for i in unit["reference_ids"]} | {f"c{j}" for j in unit["copy_ids"]}
        page.page.hover(f"#c{unit['copy_ids'][0]} > .sid")
        assert page.active() == expected
    page.page.mouse.move(0, 0)
    assert page.active() == set()

    unit = moved[0]
    twin = f"#r{unit['reference_ids'][0]}"
    page.js("() => window.scrollTo(0, document.body.scrollHeight)")
    assert not page.lit(twin)
    page.page.click(f"#c{unit['copy_ids'][0]} > .sid")
    page.page.mouse.move(0, 0)
    page.js("() => document.activeElement.blur()")
    # a click pins the unit, so it stays lit after the pointer and focus go, and brings the twin into view
    assert page.active("pinned") == {f"r{i}" for i in unit["reference_ids"]} | {f"c{j}" for j in unit["copy_ids"]}
    assert page.lit(twin) and page.in_view(twin)
    page.page.keyboard.press("Escape")
    assert page.active("pinned") == set() and not page.lit(twin)


def test_hovering_a_word_lights_the_word_that_renders_it(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    links = [w for w in data["words"] if w["reference_word"] and w["copy_word"]]
    assert len(links) >= 100
    number, mangled = next(
        (n, w) for n, w in enumerate(data["words"]) if w["match"] == "embedding" and w["copy_word"] == "Alwarae"
    )
    assert mangled["reference_word"] == "al-Walae"
    lit = "() => Array.from(document.querySelectorAll('.w.w-on')).map(w => [w.closest('.sent').id, w.textContent])"
    assert page.js(lit) == []
    page.page.hover(f'#c{mangled["copy_id"]} .w[data-w~="w{number}"]')
    assert sorted(page.js(lit)) == sorted(
        [[f"r{mangled['reference_id']}", "al-Walae"], [f"c{mangled['copy_id']}", "Alwarae"]]
    )
    original = f'#r{mangled["reference_id"]} .w[data-w~="w{number}"]'
    assert page.js("s => getComputedStyle(document.querySelector(s)).backgroundColor", original) != "rgba(0, 0, 0, 0)"
    page.page.mouse.move(0, 0)
    assert page.js(lit) == []
    # every link is on the page, on both sides, with the words it names (a flag's edge may cut a word in pieces)
    shown = page.js(
        """() => { const m = {}; document.querySelectorAll('.w').forEach(w => w.dataset.w.split(' ').forEach(id => {
                 const side = w.closest('.sent').dataset.side; m[id] = m[id] || {reference: '', copy: ''};
                 m[id][side] += w.textContent; })); return m; }"""
    )
    for number, link in enumerate(data["words"]):
        if link["reference_word"] and link["copy_word"]:
            assert shown[f"w{number}"] == {"reference": link["reference_word"], "copy": link["copy_word"]}


def badges(page: Page) -> dict[str, dict[str, Any]]:
    """Each sentence's text (without its id and links), its badge's text (None without one), the badge's colour,
    and its number of counterpart links."""
    found: dict[str, dict[str, Any]] = page.js(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('.sent')).map(s => {
             const badge = s.querySelector(':scope > .links .badge');
             const text = Array.from(s.childNodes).filter(n => n.nodeName !== 'SUP').map(n => n.textContent).join('');
             return [s.id, {text: text, badge: badge ? badge.textContent : null,
                            colour: badge ? getComputedStyle(badge).backgroundColor : null,
                            links: s.querySelectorAll(':scope > .links a.link').length}]; }))"""
    )
    return found


def test_unaligned_sentences_are_marked_added_or_omitted(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    shown = badges(page)
    for unit in data["pairs"]:
        if unit["label"] in ("boilerplate", "repeat"):
            continue  # below
        if not unit["copy_ids"]:
            assert all(shown[f"r{i}"]["badge"] == "omitted" for i in unit["reference_ids"])
        if not unit["reference_ids"]:
            assert all(shown[f"c{j}"]["badge"] == "added" for j in unit["copy_ids"])
        if unit["reference_ids"] and unit["copy_ids"]:
            assert all(shown[f"c{j}"]["badge"] is None for j in unit["copy_ids"])


def test_page_debris_and_a_repeated_headline_carry_a_grey_badge_not_omitted_or_added(
    seed: tuple[Page, dict[str, Any]],
) -> None:
    page, _ = seed
    shown = badges(page)
    # Found by their text on the page, not by the report's labels: the credit and the posting date are page
    # debris, and the original's second line repeats its headline word for word.
    credit = [k for k, s in shown.items() if k.startswith("r") and "Department of Defense" in s["text"]]
    posted = [k for k, s in shown.items() if k.startswith("c") and "Posted on" in s["text"]]
    headline = shown["r0"]["text"].split("Iraqi militia leader vows")[1]
    again = [k for k, s in shown.items() if k.startswith("r") and k != "r0" and headline in s["text"]]
    assert len(credit) == len(posted) == len(again) == 1
    for sentence in credit + posted:
        assert shown[sentence]["badge"] == "boilerplate", sentence
    assert shown[again[0]]["badge"] == "repeat"
    neutral = [shown[k]["colour"] for k in (*credit, *posted, *again)]
    findings = {s["colour"] for s in shown.values() if s["badge"] in ("omitted", "added")}
    assert findings and not findings & set(neutral)  # their own colour, not a finding's
    for colour in neutral:  # grey: red, green and blue alike
        assert len(set(re.findall(r"\d+", colour)[:3])) == 1, colour
    for k, s in shown.items():
        if s["badge"] in ("boilerplate", "repeat"):
            assert s["links"] == 0, k
    assert {s["badge"] for s in shown.values()} <= {None, "omitted", "added", "boilerplate", "repeat"}


def test_the_seed_coverage_counts_the_repeated_headline_as_rendered(seed: tuple[Page, dict[str, Any]]) -> None:
    page, _ = seed
    shown = badges(page)
    figures = dict(
        page.js(
            """() => Array.from(document.querySelectorAll('.figure')).map(
                 f => [f.querySelector('span').textContent, f.querySelector('b').textContent])"""
        )
    )
    verdict = page.js("() => document.querySelector('.verdict').textContent")
    # Counted off the page: the original's story sentences, a repeated one once, rendered when any copy of it is.
    story: dict[str, bool] = {}
    for k, s in shown.items():
        if k.startswith("r") and s["badge"] != "boilerplate":
            said = " ".join(re.findall(r"\w+", s["text"].lower()))
            story[said] = story.get(said, False) or s["links"] > 0
    rendered, distinct = sum(story.values()), len(story)
    original = [k for k in shown if k.startswith("r") and shown[k]["badge"] != "boilerplate"]
    assert distinct == len(original) - 1  # the headline, given twice, counts once
    assert figures["coverage"] == f"{rendered / distinct:.0%}" == "93%"
    assert f"renders {rendered} of {distinct} original sentences" in verdict


def test_the_flag_list_filters_and_scrolls_to_the_span(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    rows = page.page.locator("tr.flag-row")
    assert rows.count() == len(data["flags"])
    page.page.uncheck(".kind-filter[value=addition]")
    additions = sum(f["kind"] == "addition" for f in data["flags"])
    assert page.js("() => document.querySelectorAll('tr.flag-row:not([hidden])').length") == len(rows.all()) - additions
    page.page.check(".kind-filter[value=addition]")
    page.page.select_option("#severity-filter", "major")
    majors = sum(f["severity"] == "major" for f in data["flags"])
    assert page.js("() => document.querySelectorAll('tr.flag-row:not([hidden])').length") == majors
    page.page.select_option("#severity-filter", "")
    page.page.fill("#text-filter", "1")  # the row number column is not searched
    assert page.js("() => document.querySelectorAll('tr.flag-row:not([hidden])').length") < len(data["flags"]) // 2
    page.page.fill("#text-filter", "Alwarae")
    visible = page.page.locator("tr.flag-row:not([hidden])")
    assert 0 < visible.count() < len(data["flags"])
    target = f'mark.flag[data-flags~="{visible.first.get_attribute("data-flag")}"]'
    page.js("() => window.scrollTo(0, document.body.scrollHeight)")
    assert not page.in_view(target)
    visible.first.focus()
    page.page.keyboard.press("Enter")
    assert page.in_view(target)
    assert page.js("s => document.activeElement === document.querySelector(s)", target)
    page.page.fill("#text-filter", "")
    for row in rows.all()[::7]:  # a click does the same, for any flag, including ones that share a stretch
        page.js("() => window.scrollTo(0, 0)")
        row.click()
        assert page.in_view(f'mark.flag[data-flags~="{row.get_attribute("data-flag")}"]')


def test_the_page_makes_no_network_request_and_no_script_error(seed: tuple[Page, dict[str, Any]]) -> None:
    page, _ = seed
    assert page.requests == [page.url]
    assert page.errors == []


def test_screenshot_of_the_report(seed: tuple[Page, dict[str, Any]]) -> None:
    """Saved as a test artefact: the header, and the top of both texts with a flag's tip open over its unit."""
    page, data = seed
    page.js("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.js("() => document.querySelectorAll('.pulse').forEach(m => m.classList.remove('pulse'))")
    aligned = {j: u for u in data["pairs"] if u["reference_ids"] for j in u["copy_ids"]}
    number, flag = next(
        (n, f) for n, f in enumerate(data["flags"]) if f["kind"] == "syntax" and f["copy_id"] in aligned and f["text"]
    )
    page.page.hover(f"#flag-{number}")
    assert page.page.is_visible(f"#flag-{number} > .tip")
    assert all(page.lit(f"#r{i}") for i in aligned[flag["copy_id"]]["reference_ids"])
    shot = artifacts() / "report.png"
    page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_copy_that_carries_markup_shows_it_as_text(browser: Any, tmp_path: Path, onnx_embedder: Embedder) -> None:
    original = "The mayor opened the new bridge on Monday. Traffic will flow from next week."
    hostile = (
        'The mayor opened the new bridge on Monday. <script>window.pwned = 1</script> "><img src=x '
        'onerror="window.pwned = 2"> Traffic will flow from next week. <style>body{display:none}</style>'
    )
    path = tmp_path / "hostile.html"
    path.write_text(audit(original, hostile, embedder=onnx_embedder).to_html("<b>title</b>"), encoding="utf-8")
    page = Page(browser, path)
    try:
        assert page.js("() => window.pwned") is None
        copy_text = page.js("() => document.getElementById('copy').textContent")
        assert "<script>window.pwned = 1</script>" in copy_text
        assert "<style>body{display:none}</style>" in copy_text
        assert page.js("() => document.querySelectorAll('script').length") == 1
        assert page.js("() => document.querySelectorAll('img, style').length") == 1  # the report's own style
        assert page.js("() => document.title") == "<b>title</b>"
        assert page.requests == [page.url]
        assert page.errors == []
    finally:
        page.page.close()


# The batch index's ids in the order shown: the id cell found by its heading, not by its place.
IDS_SHOWN = """() => {
    const headings = Array.from(document.querySelectorAll('#copies thead th'), th => th.textContent);
    const id = headings.indexOf('id');
    return Array.from(document.querySelectorAll('#copies tbody tr'), r => r.cells[id].textContent);
}"""


def test_the_batch_index_sorts_by_a_clicked_column(browser: Any, tmp_path: Path) -> None:
    import pandas as pd

    from mtqa.batch.pages import render_index

    summary = pd.DataFrame(
        {
            "row": [3, 1, 10, 2],
            "id": ["a", "b", "c", "bad"],
            "status": ["ok", "ok", "ok", "error"],
            "error": [None, None, None, "no such file"],
            "coverage": [0.9, 0.2, 0.5, None],
            "mean_quality": [0.1, 0.6, 0.25, None],  # as text (digit runs as numbers) 0.25 would follow 0.6
            "flags": [9, 100, 10, None],  # as text, "100" < "10" < "9"
        }
    )
    path = tmp_path / "index.html"
    path.write_text(render_index(summary, set()), encoding="utf-8")
    page = Page(browser, path)
    try:
        order = IDS_SHOWN
        assert page.js(order) == ["b", "bad", "a", "c"]  # manifest order: row 1, 2, 3, 10
        page.page.click("th:text-is('mean quality')")
        assert page.js(order) == ["a", "c", "b", "bad"]
        page.page.click("th:text-is('mean quality')")
        assert page.js(order) == ["b", "c", "a", "bad"]  # descending; the error row stays last
        page.page.click("th:text-is('flags')")
        assert page.js(order) == ["a", "c", "b", "bad"]  # 9, 10, 100: numbers as numbers
        page.page.click("th:text-is('id')")
        assert page.js(order) == ["a", "b", "bad", "c"]
        page.page.click("th:text-is('#')")
        assert page.js(order) == ["b", "bad", "a", "c"]  # back to manifest order, 10 after 3
        assert page.requests == [page.url] and page.errors == []
    finally:
        page.page.close()


def test_the_batch_index_sorts_text_columns_as_text(browser: Any, tmp_path: Path) -> None:
    import pandas as pd

    from mtqa.batch.pages import render_index

    ids = ["2024-03-01", "2024-01-15", "item10", "2023-12-31", "item2"]
    summary = pd.DataFrame({"id": ids, "status": ["ok"] * 5, "error": [None] * 5, "coverage": [0.5] * 5})
    path = tmp_path / "index.html"
    path.write_text(render_index(summary, set()), encoding="utf-8")
    page = Page(browser, path)
    try:
        page.page.click("th:text-is('id')")
        order = page.js(IDS_SHOWN)
        assert order == ["2023-12-31", "2024-01-15", "2024-03-01", "item2", "item10"]
    finally:
        page.page.close()


def test_every_tip_stays_inside_the_window_at_wide_and_narrow_widths(seed: tuple[Page, dict[str, Any]]) -> None:
    page, _ = seed
    count = page.js("() => document.querySelectorAll('mark.flag').length")
    try:
        for width in (1400, 700):
            page.page.set_viewport_size({"width": width, "height": 1000})
            for k in range(count):
                page.page.mouse.move(0, 0)
                page.page.locator("mark.flag").nth(k).scroll_into_view_if_needed()
                x, y = page.js(
                    """k => { const r = document.querySelectorAll('mark.flag')[k].getClientRects()[0];
                             return [r.left + Math.min(r.width / 2, 3), r.top + r.height / 2]; }""",
                    k,
                )
                page.page.mouse.move(x, y)  # onto the mark's first line: a wrapped mark's box is not all mark
                box = page.js(
                    """k => { const t = document.querySelectorAll('mark.flag')[k].querySelector('.tip');
                             const r = t.getBoundingClientRect();
                             return [r.left, r.right, document.documentElement.clientWidth,
                                     getComputedStyle(t).display]; }""",
                    k,
                )
                assert box[3] == "block", f"mark {k} shows no tip at {width}px"
                assert box[0] >= 0 and box[1] <= box[2], f"mark {k}'s tip runs off the window at {width}px: {box}"
    finally:
        page.page.set_viewport_size({"width": 1400, "height": 1000})
        page.page.mouse.move(0, 0)


def test_clicking_a_flag_keeps_it_in_place_and_the_keyboard_pins_a_unit(seed: tuple[Page, dict[str, Any]]) -> None:
    page, data = seed
    aligned = {j: u for u in data["pairs"] if u["reference_ids"] for j in u["copy_ids"]}
    # a flag on a few words: the top left corner of a mark that wraps over lines may lie outside its text
    number = next(n for n, f in enumerate(data["flags"]) if f["copy_id"] in aligned and f["kind"] == "name")
    mark = f'mark.flag[data-flags~="{number}"]'
    page.page.click(mark, position={"x": 1, "y": 1})
    assert page.in_view(mark) and page.active("pinned") == set()
    assert page.page.is_visible(f"{mark} > .tip")
    # keyboard: focus the sentence, Enter pins its unit; focus moving into a flag keeps the unit lit
    unit = aligned[data["flags"][number]["copy_id"]]
    sentence = f"#c{data['flags'][number]['copy_id']}"
    page.page.focus(sentence)
    page.page.keyboard.press("Enter")
    assert page.active("pinned") == {f"r{i}" for i in unit["reference_ids"]} | {f"c{j}" for j in unit["copy_ids"]}
    page.page.focus(mark)
    assert {f"r{i}" for i in unit["reference_ids"]} <= page.active()
    page.page.keyboard.press("Escape")
    page.js("() => document.activeElement.blur()")
    assert page.active("pinned") == set() and page.active() == set()
