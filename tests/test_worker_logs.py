"""A worker's log lines at the default level: Temporal's dict of run details, which it
appends to every activity and workflow message (about 300 characters, wrapped over three
terminal lines), shortened to the workflow's id."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from temporalio import activity, workflow
from temporalio.testing import ActivityEnvironment

from openai_agents.model_providers.support import logs


@pytest.fixture
def short_details(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The worker's setting, undone afterwards: the adapters are shared by every test."""
    monkeypatch.setattr(activity.logger, "activity_info_on_message", True)
    monkeypatch.setattr(workflow.logger, "workflow_info_on_message", True)
    loggers = [logging.getLogger("temporalio.activity"), logging.getLogger("temporalio.workflow")]
    before = [list(each.filters) for each in loggers]
    logs.shorten_run_details()
    yield
    for each, filters in zip(loggers, before, strict=True):
        each.filters[:] = filters


async def test_an_activitys_line_names_its_workflow_and_attempt_not_every_detail(
    short_details: None, caplog: pytest.LogCaptureFixture
) -> None:
    @activity.defn
    async def alert() -> None:
        activity.logger.warning("Weather alert for %s", "Tokyo")

    with caplog.at_level(logging.INFO):
        await ActivityEnvironment().run(alert)

    (record,) = caplog.records
    assert record.getMessage() == "Weather alert for Tokyo (workflow test, attempt 1)"


def test_a_workflows_line_names_its_workflow_not_every_detail(
    short_details: None, caplog: pytest.LogCaptureFixture
) -> None:
    details = {"attempt": 1, "run_id": "0f1e", "workflow_id": "multi-provider-workflow-id-1"}
    with caplog.at_level(logging.INFO):
        logging.getLogger("temporalio.workflow").warning(
            "Model %s failed", "ollama/none", extra={"temporal_workflow": details}
        )

    (record,) = caplog.records
    assert record.getMessage() == "Model ollama/none failed (workflow multi-provider-workflow-id-1)"
    assert not workflow.logger.workflow_info_on_message
