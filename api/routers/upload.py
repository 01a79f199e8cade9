"""POST /documents: ingest an uploaded file (txt, html, docx, pdf) into the store; needs X-API-Key.

A document already in the store (from the bundled corpus, `cancu load`, or an earlier upload) is never
replaced by surprise: the upload answers 409 with its id and source unless it says `replace=true`, and
every replacement is logged with the quads before and after. With `replace=true` an upload may replace
an earlier upload; a document of the corpus or loaded by the CLI only with the admin key (403 otherwise),
so the ordinary API key cannot rewrite what the operator loaded.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from cancu.config import Settings
from cancu.iri import DocId
from graph.reresolve import identity_dir_of, load_files
from graph.store import DocSummary, LoadError, SparqlStore, Store, supports

from api.convert import doc_out
from api.deps import StoreHolder, WriteConflict, get_holder
from api.routers.common import forget_labels
from api.errors import ApiError
from api.graph_schemas import UploadOut
from api.schemas import errors
from api.upload import admin_key, check_key, is_upload, read_limited, safe_name, to_quads_file, workdir
from api.upload_texts import kept_with

log = logging.getLogger("cancu.api")
router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = errors(400, 401, 403, 409, 413, 422, 503)  # 400: a malformed multipart body


def _ingest(holder: StoreHolder, data: bytes, filename: str, replace: bool, admin: bool) -> tuple[UploadOut, str]:
    with workdir() as tmp:
        doc, nq, warnings = to_quads_file(data, filename, Path(tmp), holder.settings)
        iri = DocId.parse(doc.doc_id).iri()

        def load(store: Store) -> tuple[int, DocSummary | None, int | None]:
            """Under the write lock, so two uploads of one document cannot both pass the check."""
            before = store.document(iri)
            if before is not None and before.ingested and not replace:
                raise ApiError(409, "document_exists",
                               f"{doc.doc_id} ({before.number}) is already stored, from {before.source_file}; "
                               "send replace=true to replace its graph with this file", [f"/documents/{doc.doc_id}"])
            if before is not None and before.ingested and not admin and not is_upload(before.source_file):
                raise ApiError(403, "admin_required",
                               f"{doc.doc_id} ({before.number}) was loaded from {before.source_file} by the operator; "
                               "only `cancu load` or a request with X-Admin-Key (CANCU_ADMIN_KEY) may replace it",
                               [f"/documents/{doc.doc_id}"])
            size = _graph_size(store, iri) if before is not None and before.ingested else 0
            quads = kept_with(store, iri, doc.text, lambda: _load(store, nq, holder.settings, iri), holder.settings.max_chars)
            return quads, before, size  # the text the spans index into, kept for the reader

        try:
            quads, before, size_before = holder.write(load)
            forget_labels()  # an in-memory store is written in place: its cached labels are stale
        except WriteConflict as exc:
            raise ApiError(409, "read_only_store", str(exc)) from exc
        except LoadError as exc:  # e.g. a literal over Oxigraph's 16 MiB: refused before anything is written
            raise ApiError(413, "too_large", str(exc).replace(str(nq), safe_name(filename))) from exc
    stored = holder.store().document(iri)
    if stored is None:
        raise ApiError(503, "store_unavailable", f"{doc.doc_id} was written but cannot be read back")
    replaced = before is not None and before.ingested
    if replaced:
        log.warning("upload %s replaced %s (was from %s): %s quads before, %d after", safe_name(filename), doc.doc_id,
                    before.source_file, "?" if size_before is None else size_before, quads)
    out = UploadOut(**doc_out(stored).model_dump(), quads=quads, replaced=replaced, warnings=warnings)
    return out, doc.doc_id


def _load(store: Store, nq: Path, settings: Settings, iri: str) -> int:
    """The upload's graph loaded as `cancu load` loads one (graph.reresolve): its references resolved against
    everything loaded, and the stored graphs it makes resolvable re-pointed; its own graph replaces whatever
    held `iri` (the caller has checked it may). LoadError if it is refused."""
    report = load_files(store, [nq], identity_dir_of(store, settings), replacing=[iri])
    if report.errors:
        raise LoadError(report.errors[0])
    for line in report.conflicts:  # both documents are kept; the operator hears of it
        log.warning("upload: %s", line)
    return report.quads


def _graph_size(store: object, iri: str) -> int | None:
    """Quads in a document's graph (for the replacement log), where the store can count them."""
    return store.graph_size(iri) if supports(store, SparqlStore) else None


@router.post("", status_code=201, response_model=UploadOut, responses=ERRORS,
             summary="Upload a document (txt, html, docx, pdf; X-API-Key): ingested into the store; a document "
                     "already stored answers 409 unless replace=true")
async def upload_document(
    request: Request, file: UploadFile = File(description="the document file"),
    replace: Annotated[bool, Query(description="replace a document already stored (its graph) with this file: an "
                                   "earlier upload, or with X-Admin-Key any document")] = False,
    holder: StoreHolder = Depends(get_holder),
) -> JSONResponse:
    check_key(request)
    admin = admin_key(request)
    data = await read_limited(request, file)
    out, did = await run_in_threadpool(_ingest, holder, data, file.filename or "upload", replace, admin)
    return JSONResponse(out.model_dump(), status_code=201, headers={"Location": f"/documents/{did}"})
