"""The notebook runs top to bottom against the real model."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "audit.ipynb"


def test_audit_notebook_executes() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Alwarae" in text and "renders" in text
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) == 2  # the similarity heatmap, then the unit and flag bars


def test_the_committed_notebook_shows_its_outputs_and_ran_without_errors() -> None:
    """A reader who opens the notebook sees its tables and plots, and they came from a clean run."""
    import sys

    sys.path.insert(0, str(NOTEBOOK.parent))
    from execute import problems  # notebooks/execute.py, which saved it

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.get("execution_count") for cell in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom once, in order"
    assert all(cell.get("outputs") for cell in code if "import" not in cell.source.splitlines()[0])
    assert problems(notebook) == []
    assert sum("image/png" in o.get("data", {}) for cell in code for o in cell.outputs) == 2
