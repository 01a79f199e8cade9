"""One error shape for every 4xx/5xx: {"error": {"code", "message", "suggestions"}}.

Clients (and people) get the same fields whatever failed: a malformed id, an unknown number, a store
that is down, a bad SPARQL query. `suggestions` carries near matches where we have them.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.store import StoreUnavailable

log = logging.getLogger("cancu.api")


class ApiError(Exception):
    """Raise from a route to answer `status` with the common error body."""

    def __init__(self, status: int, code: str, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.suggestions = suggestions or []


def error_response(status: int, code: str, message: str, suggestions: list[str] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "suggestions": suggestions or []}}
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               406: "not_acceptable", 415: "unsupported_media_type", 422: "invalid_request"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the common shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.suggestions)

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        holder = getattr(request.app.state, "holder", None)
        if holder is not None:
            holder.reset()
        return error_response(503, "store_unavailable", f"The graph store is unavailable: {exc}",
                              headers={"Retry-After": "30"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", f"Internal error ({type(exc).__name__}); see the server log.")
