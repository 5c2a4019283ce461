"""Run ``audit.ipynb`` top to bottom and save it with its outputs, so a reader sees the tables and plots.

Run: ``python notebooks/execute.py``. It refuses to save a notebook whose
outputs hold an error or a path of this machine (a home, a checkout, a
temporary folder): the committed copy must read the same anywhere.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent / "audit.ipynb"
MACHINE_PATHS = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\)")


def problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Errors and machine paths in the notebook's outputs, one line each."""
    found = []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {number}: {output.get('ename')}: {output.get('evalue')}")
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
            text += str(output.get("data", {}).get("text/html", ""))
            if MACHINE_PATHS.search(text):
                found.append(f"cell {number}: a machine path in the output")
    return found


def main() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    found = problems(notebook)
    if found:
        sys.exit("not saved:\n" + "\n".join(found))
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, NOTEBOOK)
    print(f"saved {NOTEBOOK.name} with the outputs of {sum(c.cell_type == 'code' for c in notebook.cells)} cells")


if __name__ == "__main__":
    main()
