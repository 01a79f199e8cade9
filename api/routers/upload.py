"""POST /documents: ingest an uploaded file (txt, html, docx, pdf) into the store; needs X-API-Key."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from cancu.iri import DocId

from api.convert import doc_out
from api.deps import StoreHolder, WriteConflict, get_holder
from api.routers.common import forget_labels
from api.errors import ApiError
from api.graph_schemas import UploadOut
from api.schemas import ErrorResponse
from api.upload import check_key, read_limited, to_quads_file, workdir

router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = {code: {"model": ErrorResponse} for code in (401, 403, 409, 413, 422, 503)}


def _ingest(holder: StoreHolder, data: bytes, filename: str) -> tuple[UploadOut, str]:
    with workdir() as tmp:
        doc, nq, warnings = to_quads_file(data, filename, Path(tmp))
        iri = DocId.parse(doc.doc_id).iri()
        before = holder.store().document(iri)
        try:
            quads = holder.write(lambda store: store.load(nq))
            forget_labels()  # an in-memory store is written in place: its cached labels are stale
        except WriteConflict as exc:
            raise ApiError(409, "read_only_store", str(exc)) from exc
    stored = holder.store().document(iri)
    if stored is None:
        raise ApiError(503, "store_unavailable", f"{doc.doc_id} was written but cannot be read back")
    out = UploadOut(**doc_out(stored).model_dump(), quads=quads, replaced=bool(before and before.ingested),
                    warnings=warnings)
    return out, doc.doc_id


@router.post("", status_code=201, response_model=UploadOut, responses=ERRORS,
             summary="Upload a document (txt, html, docx, pdf; X-API-Key): ingested, its graph replaced in the store")
async def upload_document(request: Request, file: UploadFile = File(description="the document file"),
                          holder: StoreHolder = Depends(get_holder)) -> JSONResponse:
    check_key(request)
    data = await read_limited(request, file)
    out, did = await run_in_threadpool(_ingest, holder, data, file.filename or "upload")
    return JSONResponse(out.model_dump(), status_code=201, headers={"Location": f"/documents/{did}"})
