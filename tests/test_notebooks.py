"""The analyst notebooks run top to bottom on the embedded store (each builds its own from corpus/)."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_notebook(path: Path) -> "nbformat.NotebookNode":
    """Execute `path` in its folder with a fresh python3 kernel; raises CellExecutionError on the first failure."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def outputs_text(nb: "nbformat.NotebookNode") -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.append(data.get("text/plain", ""))
            parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def test_tracing_186() -> None:
    nb = run_notebook(NOTEBOOKS / "tracing-186-QD-BTTTT.ipynb")
    text = outputs_text(nb)
    for number in ("749/QĐ-TTg", "942/QĐ-TTg", "17/2017/NĐ-CP", "01/NQ-CP"):  # tests/gold/citations.json
        assert number in text
    assert "Căn cứ" in text  # provenance: the quoted lines
    assert "<iframe srcdoc=" in text and "vis.Network" in text  # the inline graph page
    assert "cdn.jsdelivr" not in text and "cdnjs" not in text


def test_responsibilities_03() -> None:
    nb = run_notebook(NOTEBOOKS / "responsibilities-03-NQ-CP.ipynb")
    text = outputs_text(nb)
    assert "Phụ lục II" in text and "tasks led" in text and "coordinating" in text
    assert "indicators monitored" in text
    assert "<iframe srcdoc=" in text
