"""API keys reach the provider they belong to and nowhere else: not the workflow history
(which anyone with access to the namespace can read), not the worker's log, not a
failure message, even when a provider quotes the rejected key back."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.workflows.multi_provider_workflow import MultiProviderWorkflow
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.fakes import anthropic_messages, ollama_native, openai_responses
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.openai_responses import FakeOpenAIResponses
from tests.helpers.processes import run_script, running_worker, script_environment

KEYS = {
    "OLLAMA_API_KEY": "ollama-cloud-key-1f2e3d4c5b6a",
    "ANTHROPIC_API_KEY": "sk-ant-api03-secret-5a6b7c8d9e",
    "OPENAI_API_KEY": "sk-proj-secret-9e0f1a2b3c4d",
}
ANTHROPIC_MODEL = "litellm/anthropic/claude-sonnet-4-5"


def start_workflow(model: str, environment: dict[str, str]) -> tuple[str, str]:
    """Run the router workflow's starter on `model`; return the workflow id and everything
    the starter printed."""
    workflow_id = f"secrets-{uuid.uuid4().hex[:8]}"
    completed = run_script(
        "run_multi_provider_workflow.py",
        "--model",
        model,
        "--workflow-id",
        workflow_id,
        environment=environment,
    )
    return workflow_id, completed.stdout + completed.stderr


async def run_workflow(client: Client, model: str) -> tuple[str, str]:
    """The same run, started from this process (what the worker logs and the history holds
    do not depend on who started it); return its id and its result."""
    workflow_id = f"secrets-{uuid.uuid4().hex[:8]}"
    result = await client.execute_workflow(
        MultiProviderWorkflow.run,
        args=["What's the weather in Tokyo?", model],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    return workflow_id, f"Result: {result.text}"


@pytest.mark.long
async def test_api_keys_stay_out_of_history_logs_and_failure_messages(
    dev_server_address: str, tmp_path: Path
) -> None:
    weather = [ollama_native.call_tool("get_weather", city="Tokyo")]
    with FakeOllama(
        [*weather, ollama_native.answer_quoting_tool_result()]
    ) as ollama, FakeAnthropic(
        [
            anthropic_messages.call_tool("get_weather", city="Tokyo"),
            anthropic_messages.answer_quoting_tool_result(),
        ]
    ) as anthropic, FakeOpenAIResponses(
        [
            openai_responses.call_tool("get_weather", city="Tokyo"),
            openai_responses.answer_quoting_tool_result(),
            # A proxy that quotes the whole rejected key back.
            openai_responses.invalid_api_key(KEYS["OPENAI_API_KEY"]),
        ]
    ) as openai:  # fmt: skip
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address,
            OLLAMA_HOST=ollama.url,
            ANTHROPIC_BASE_URL=anthropic.url,
            OPENAI_BASE_URL=f"{openai.url}/v1",
            **KEYS,
        )
        # --verbose: the most the worker ever logs.
        with running_worker(
            "run_multi_provider_worker.py",
            "--verbose",
            environment=environment,
            tmp_path=tmp_path,
        ) as worker:
            client = await Client.connect(dev_server_address, plugins=[OpenAIAgentsPlugin()])
            runs = [
                await run_workflow(client, model)
                for model in ("ollama/gpt-oss:20b", ANTHROPIC_MODEL, "openai/gpt-4.1")
            ]
            # The one the provider rejects, through the real starter: its one-line failure.
            rejected_id, rejected_output = start_workflow("openai/gpt-4.1", environment)
        worker_log = worker.output()

    for _workflow_id, output in runs:
        assert "Result: Skies over the town" in output, output
    assert "rejected the credentials (HTTP 401: Incorrect API key provided: [redacted].)" in (
        rejected_output
    )
    # Each key was in use, and went only where it belongs.
    assert {r.headers.get("x-api-key") for r in anthropic.message_requests} == {
        KEYS["ANTHROPIC_API_KEY"]
    }
    assert {r.headers.get("authorization") for r in openai.response_requests} == {
        f"Bearer {KEYS['OPENAI_API_KEY']}"
    }
    assert all("authorization" not in r.headers for r in ollama.requests)

    histories = [
        (await client.get_workflow_handle(workflow_id).fetch_history()).to_json()
        for workflow_id in [*(run[0] for run in runs), rejected_id]
    ]
    outputs = [worker_log, rejected_output, *(run[1] for run in runs)]
    for name, key in KEYS.items():
        for history in histories:
            assert key not in history, f"{name} is in a workflow history"
        for output in outputs:
            assert key not in output, f"{name} is in a script's output"
