from neo4j_server import neo4j_server, neo4j_store  # noqa: F401  (pytest fixtures for @pytest.mark.neo4j tests)

import dataclasses  # noqa: E402
from typing import Any, Callable  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture()
def reconfigure(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Change settings of a running test app (built once, in create_app), for this test only."""
    def change(client: Any, **fields: Any) -> None:
        holder = client.app.state.holder
        monkeypatch.setattr(holder, "settings", dataclasses.replace(holder.settings, **fields))
    return change
