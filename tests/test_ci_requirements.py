"""What a test does without Neo4j, Chromium or ../shared: in CI it fails (nothing may be missing there), elsewhere it
skips with one line (tests/shared_data.missing, which the Neo4j, browser and gazette tests call)."""

from __future__ import annotations

import pytest

from shared_data import missing, need


def outcome(call) -> tuple[type, str]:
    """The outcome `call` raised (a skip is a BaseException: caught here, so a skip where a failure was due fails)."""
    with pytest.raises(BaseException) as raised:
        call()
    return raised.type, str(raised.value)


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "yes"])
def test_in_ci_a_missing_requirement_fails(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert outcome(lambda: missing("Neo4j tests skipped: no java")) == (
        pytest.fail.Exception, "required in CI: Neo4j tests skipped: no java")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_outside_ci_a_missing_requirement_skips(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert outcome(lambda: missing("no chromium")) == (pytest.skip.Exception, "no chromium")


def test_a_missing_path_fails_in_ci_and_one_present_passes(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CI", "true")
    need(tmp_path)  # present: nothing happens
    kind, message = outcome(lambda: need(tmp_path, tmp_path / "khong-co"))
    assert kind is pytest.fail.Exception and "khong-co" in message
