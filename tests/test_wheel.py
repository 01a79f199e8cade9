"""An installed (non-editable) wheel serves /context.jsonld and a graph page: the vocabulary files ship inside it.

The wheel is built from a copy of the sources (nothing written into the checkout), installed with --no-deps into a
fresh virtualenv whose other packages come from this interpreter's site-packages through a .pth file (no network),
and the app runs from a directory outside the checkout, so only the installed package can be imported.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "api_fixture.trig"
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "ontology.ttl", "shapes.ttl", "context.jsonld",
           "cancu", "ingest", "graph", "api")

PROBE = """
import json, sys
import cancu
from fastapi.testclient import TestClient
from api.app import create_app
from api.viz_graph import relation_labels
from graph.oxigraph_store import OxigraphStore
from graph.validate import shapes_graph

store = OxigraphStore(None)
store.load(sys.argv[1])
with TestClient(create_app(store)) as c:
    ctx = c.get("/context.jsonld")
    page = c.get("/viz/documents/qd-2021-9001-test")
labels = relation_labels()
print(json.dumps({"cancu": cancu.__file__, "context_status": ctx.status_code, "context": ctx.json(),
                  "page_status": page.status_code, "page_has_label": labels["cites"][0] in page.text,
                  "cites_label": labels["cites"], "shapes": len(shapes_graph())}))
"""


def test_installed_wheel_serves_context_and_graph_page(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(
            ROOT / name, src / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / name).is_dir() else {}))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("cancu-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # the project's other packages, appended after the venv's own (a plain path: its editable cancu hook stays off)
    (purelib / "project-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run = tmp_path / "run"
    run.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"CANCU_BASE": "http://127.0.0.1:8000"}
    out = subprocess.run([str(python), "-c", PROBE, str(FIXTURE)], cwd=run, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(got["cancu"]).is_relative_to(venv), got["cancu"]  # the installed copy, not the checkout
    assert got["context_status"] == 200 and got["context"] == json.loads((ROOT / "context.jsonld").read_text("utf-8"))
    assert got["page_status"] == 200 and got["page_has_label"] and got["cites_label"][0]
    assert got["shapes"] > 0
