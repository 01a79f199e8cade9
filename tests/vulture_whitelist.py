"""Names vulture cannot see used (tests/test_dead_code.py): read by templates, frameworks, code strings or callers.

Not imported by anything; vulture reads it as code that uses each name below.
"""
# ruff: noqa
# fmt: off

label_en  # api.reader.RelationGroup: read by api/templates/reader.html
mtime_ns  # api.source_text._read, api.upload_texts._read: part of the lru_cache key, so a changed file is read again
_phase  # bench.identity_catalogue: run in a child interpreter from a code string
_oxigraph_child  # bench.store_load: run in a child interpreter from a code string
importer  # graph.neo4j_import.ImportReport: the importer's own summary, for callers of import_files
_.importer
pytestmark  # pytest reads it
_.after_call  # schemathesis' state machine hooks (tests/test_api_stateful.py)
additional_checks
_.should_exit  # uvicorn.Server's stop flag (tests/test_viz_browser.py)
