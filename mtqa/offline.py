"""Nothing leaves the machine: the switches that keep the model libraries offline and silent.

onnxruntime (1.2x and later) ships Microsoft's 1DS telemetry: at import it
opens an event queue under ``~/.cache/Microsoft/`` and may upload to a
collector. ``ORT_DISABLE_TELEMETRY`` is read at import, so it must be set
before ``import onnxruntime``; ``disable_telemetry_events()`` covers a process
that imported it already. The Hugging Face libraries read their offline and
telemetry switches from the environment too. Every loader calls
``go_offline()`` before it imports its library, and the ONNX export's
subprocess inherits the switches.
"""

from __future__ import annotations

import os
import sys

OFFLINE_ENVIRONMENT = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
}


def go_offline() -> None:
    """Set the offline and no-telemetry switches, and silence an onnxruntime that is already imported."""
    os.environ.update(OFFLINE_ENVIRONMENT)
    onnxruntime = sys.modules.get("onnxruntime")
    if onnxruntime is not None and hasattr(onnxruntime, "disable_telemetry_events"):
        onnxruntime.disable_telemetry_events()
