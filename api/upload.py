"""POST /documents: one uploaded file -> ingest -> its named graph replaced in the store.

The file goes through exactly what `cancu ingest` does for one file (ingest.pipeline.parse_path on
a temporary copy, ingest.resolve, ingest.to_rdf.document_quads), then Store.load, which replaces the
document's graph in one transaction. Every refusal happens before the store is touched.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from fastapi import Request, UploadFile

from cancu.config import Settings
from cancu.text import ascii_int
from ingest.readers import INPUT_SUFFIXES

from api.deps import settings_of
from api.errors import ApiError


def check_key(request: Request) -> None:
    """403 if writes are disabled (CANCU_API_KEY unset), 401 if the X-API-Key is missing or wrong."""
    settings = settings_of(request)
    expected = settings.api_key
    if not expected:
        raise ApiError(403, "writes_disabled", "writes are disabled on this server: set CANCU_API_KEY to enable uploads")
    if settings.read_only_api:
        raise ApiError(403, "writes_disabled", "this server runs several workers, which could not see a write: "
                       "serve with one worker to accept uploads, or use `cancu ingest` + `cancu load`")
    given = request.headers.get("x-api-key", "")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "a valid X-API-Key header is required to write")


UPLOAD_SOURCE = "upload/"  # cc:sourceFile prefix of a document stored by an upload (see `to_quads_file`)


def is_upload(source_file: str | None) -> bool:
    """True if an upload stored the document: only those may an upload replace without the admin key."""
    return (source_file or "").startswith(UPLOAD_SOURCE)


def admin_key(request: Request) -> bool:
    """Whether the request carries the admin key (X-Admin-Key = CANCU_ADMIN_KEY), which may replace a
    document of the corpus or loaded by the CLI; 401 for a wrong key, or for one sent while none is set."""
    given = request.headers.get("x-admin-key", "")
    if not given:
        return False
    expected = settings_of(request).admin_key
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "the X-Admin-Key header is wrong (or CANCU_ADMIN_KEY is not set here)")
    return True


def safe_name(filename: str | None) -> str:
    return re.sub(r"[^\w.-]+", "_", Path(filename or "upload").name)[:120].strip("._") or "upload"


async def read_limited(request: Request, file: UploadFile) -> bytes:
    """The upload's bytes; 413 as soon as it is known to be over the limit."""
    limit = settings_of(request).max_upload
    length = request.headers.get("content-length", "")
    if (ascii_int(length) or 0) > limit + 64 * 1024:  # multipart framing is small
        raise ApiError(413, "too_large", f"uploads are limited to {limit} bytes (CANCU_MAX_UPLOAD)")
    data = bytearray()
    while chunk := await file.read(1 << 20):
        data += chunk
        if len(data) > limit:
            raise ApiError(413, "too_large", f"uploads are limited to {limit} bytes (CANCU_MAX_UPLOAD)")
    return bytes(data)


def to_quads_file(data: bytes, filename: str, workdir: Path, settings: Settings) -> tuple[object, Path, list[str]]:
    """(Document, N-Quads file, warnings); 422 with the reader's one-line message for a bad file, 413/422
    naming the limit for a document that becomes too much (ingest.limits)."""
    from ingest import parse_worker
    from ingest.limits import LimitExceeded, check_quads
    from ingest.pipeline import unstorable
    from ingest.readers import ReadError
    from ingest.to_rdf import document_quads

    name = safe_name(filename)
    suffix = Path(name).suffix.lower()
    src = workdir / ("upload" + (suffix if suffix in INPUT_SUFFIXES else ".txt"))
    src.write_bytes(data)
    try:
        doc = parse_worker.shared(settings).parse(src)  # in a worker: stopped past CANCU_MAX_PARSE_SECONDS
    except LimitExceeded as exc:
        raise limit_error(name, exc) from exc
    except ReadError as exc:
        raise ApiError(422, "unreadable_file", f"{name}: {exc.problem}") from exc
    except Exception as exc:  # a parser bug is reported like bad input, not as a crash
        raise ApiError(422, "unreadable_file", f"{name}: cannot parse ({type(exc).__name__}: {exc})") from exc
    problem = unstorable(doc)
    if problem:
        raise ApiError(422, "not_a_document", f"{name}: {problem}")
    doc.source = f"{UPLOAD_SOURCE}{name}"  # parse_path already resolved its references within the document
    try:
        quads = document_quads(doc)
    except Exception as exc:  # as in `cancu ingest`: one document's bug is its own error, never a 500
        raise ApiError(422, "not_a_document", f"{name}: cannot build its graph ({type(exc).__name__}: {exc})") from exc
    try:
        check_quads(len(quads), settings)
    except LimitExceeded as exc:
        raise limit_error(name, exc) from exc
    out = workdir / "doc.nq"
    out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return doc, out, list(doc.errors)


def limit_error(name: str, exc: Exception) -> ApiError:
    """413 for a document past a size limit (citations, quads), 422 for one whose parse took too long."""
    if getattr(exc, "limit", "") == "CANCU_MAX_PARSE_SECONDS":
        return ApiError(422, "parse_too_slow", f"{name}: {exc}")
    return ApiError(413, "too_large", f"{name}: {exc}")


def workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="cancu-upload-")
