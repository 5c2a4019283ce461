"""Extract the article of a saved web page with trafilatura.

A content farm's page wraps the copied story in navigation, ads, share
buttons, related links and comments. trafilatura (a kept library) finds the
article's title and body and drops the rest; mtqa parses no HTML of its own
(it only counts a page's tags first). The article's blocks (headline,
paragraphs, list items) become paragraphs separated by a blank line, as in
mtqa's plain-text inputs, so a page audits as its article text would.

Before trafilatura sees a page, references to characters no HTML tree can
hold are dropped (``references``) and a page built to make parsing run for
minutes is refused (``limits``). The date is the one the page's metadata
states, never a year guessed from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from typing import Any

from mtqa.errors import MtqaError
from mtqa.pages.limits import check_markup, check_tree
from mtqa.pages.references import drop_invalid_references

INPUT_FORMATS = ("auto", "text", "html")


@dataclass(frozen=True)
class Extraction:
    """The article found in a page, and how it was found.

    Attributes:
        text: Headline and body, one paragraph per block, blank lines between.
        title: The page's title (from its metadata or headline), if found.
        date: The publication date the page's metadata states (YYYY-MM-DD), if any.
        extractor: The tool and its version.
    """

    text: str
    title: str | None
    date: str | None
    extractor: str

    def record(self) -> dict[str, Any]:
        """What a report keeps of the extraction."""
        return {"format": "html", "extractor": self.extractor, "title": self.title, "date": self.date}


def extract_article(page: str, source: str) -> Extraction:
    """The article of ``page``, a saved web page.

    Args:
        page: The page's HTML, decoded.
        source: The page's name, for the error message.

    Raises:
        MtqaError: If the page holds no article text, or is built to make
            parsing run for minutes (see ``mtqa.pages.limits``).
    """
    import trafilatura

    page = drop_invalid_references(page)
    check_markup(page, source)
    tree = trafilatura.load_html(page)
    if tree is None:
        raise MtqaError(f"{source}: no article text found in the web page")
    # Markup without a document around it (a bare <svg>) parses to an element in a
    # made-up body; given that element, the date reader tries to drop it from its own
    # copy, which has no parent, and fails. It is given the whole document instead.
    root = tree.getroottree().getroot()
    check_tree(root, source)
    if _is_svg_image(root):
        raise MtqaError(f"{source}: is an SVG image, not a web page with an article")
    stated = [str(value) for value in root.xpath(_STATED)]  # before the extractor prunes the tree
    found = trafilatura.bare_extraction(
        root,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
        # the date the page's metadata states, not a year found in its text
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": date.today().isoformat()},
    )
    body = (getattr(found, "text", None) or "") if found is not None else ""
    paragraphs = [p for p in (" ".join(line.split()) for line in body.splitlines()) if p]
    if not paragraphs:
        raise MtqaError(f"{source}: no article text found in the web page")
    title = " ".join((getattr(found, "title", None) or "").split()) or None
    if title and title not in paragraphs[0]:
        # A template that puts the headline in the entry's header leaves it out of the body
        # that trafilatura returns; the story starts with its headline, as a text input does.
        paragraphs.insert(0, title)
    return Extraction(
        text="\n\n".join(paragraphs),
        title=title,
        date=_stated(getattr(found, "date", None) or None, stated),
        extractor=f"trafilatura {version('trafilatura')}",
    )


# Where a page states its date as data rather than text: meta tags' content, a <time>'s
# datetime, an <abbr>'s title, and structured data (JSON-LD). Such dates are written
# year first (ISO 8601, or with slashes or no separators).
_STATED = "//meta/@content | //time/@datetime | //abbr/@title | //script[@type='application/ld+json']/text()"


def _stated(found: str | None, stated: list[str]) -> str | None:
    """``found`` (YYYY-MM-DD) when one of the values the page's markup states as data (``_STATED``) writes it.

    The date reader also searches the page's text ("Updated 2022-01-05", a
    copyright line) when the metadata has no date; such a date is not the
    story's, and is dropped.
    """
    if found is None:
        return None
    year, month, day = found.split("-")
    written = re.compile(rf"(?<!\d){year}(?P<sep>[-/.]?){month}(?P=sep){day}(?!\d)")
    return found if any(written.search(value) for value in stated) else None


def _is_svg_image(root: Any) -> bool:
    """Whether a parsed page (an lxml element) holds nothing but SVG: an image, with labels but no article."""
    body = root.find("body")
    content = [child for child in (root if body is None else body) if isinstance(child.tag, str)]
    return bool(content) and all(child.tag == "svg" for child in content)
