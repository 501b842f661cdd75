"""Each worker script's own wiring, read where it takes effect: the model activity Temporal
schedules (its timeouts, attempts, queue) and the request the worker's client sends (its
HTTP timeout, its token cap). The worker's `main` runs in this process, as its script runs
it; only the stop signal is the test's. Flags at values no default has, so that a worker
that ignored one (or copied a default) fails here."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowFailureError, WorkflowHistory
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import (
    run_gpt_oss_worker,
    run_litellm_provider_worker,
    run_model_call_worker,
    run_multi_provider_worker,
)
from openai_agents.model_providers.support import script
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.fakes import anthropic_messages, ollama_openai, openai_responses
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import RecordedRequest
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.fakes.openai_responses import FakeOpenAIResponses
from tests.helpers.in_process import ScriptMain, script_arguments
from tests.helpers.processes import WEATHER
from tests.helpers.workflow_runs import new_workflow_id

PROMPT = "What's the weather in Tokyo?"
# No default is any of these: each must come from the worker's flags.
FLAGS = {"timeout": 12.0, "max_attempts": 3, "heartbeat_timeout": 4.0, "max_tokens": 77}


@contextlib.asynccontextmanager
async def serving(
    monkeypatch: pytest.MonkeyPatch, env: WorkflowEnvironment, main: ScriptMain, **options: Any
) -> AsyncIterator[asyncio.Future[int]]:
    """The worker's `main` serving on `env`'s server until the block ends; then stopped as
    Ctrl-C stops it, and its exit code checked."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
    stop = asyncio.Event()
    monkeypatch.setattr(script, "stop_requested", lambda: stop)
    worker: asyncio.Future[int] = asyncio.ensure_future(main(script_arguments(**options)))
    try:
        yield worker
    finally:
        stop.set()
    assert await worker == 0


async def run_sample(
    env: WorkflowEnvironment, worker: asyncio.Future[int], workflow: Any, *args: Any
) -> tuple[Any, WorkflowHistory]:
    """`workflow` on the samples' task queue, as its starter runs it; fails at once if the
    worker stops instead of serving it."""
    config = env.client.config()
    config["plugins"] = [OpenAIAgentsPlugin()]  # The Agents SDK's data converter.
    client = Client(**config)
    handle = await client.start_workflow(
        workflow.run,
        args=args,
        id=new_workflow_id(workflow),
        task_queue=TASK_QUEUE,
        execution_timeout=timedelta(minutes=1),
    )
    result = asyncio.ensure_future(handle.result())
    await asyncio.wait({result, worker}, return_when=asyncio.FIRST_COMPLETED)
    if not result.done():
        result.cancel()
        # Left running, it would be served by the next test's worker on the same queue.
        await handle.terminate()
        raise AssertionError(f"the worker stopped before the run ended: {worker.result()}")
    return result.result(), await handle.fetch_history()


def model_calls_scheduled(history: WorkflowHistory) -> list[Any]:
    events: list[HistoryEvent] = list(history.events)
    return [
        e.activity_task_scheduled_event_attributes
        for e in events
        if e.activity_task_scheduled_event_attributes.activity_type.name.startswith(
            "invoke_model_activity"
        )
    ]


def assert_scheduled_as_flagged(history: WorkflowHistory, task_queue: str = TASK_QUEUE) -> None:
    scheduled = model_calls_scheduled(history)
    assert scheduled, "no model call was scheduled"
    for call in scheduled:
        assert call.start_to_close_timeout.ToTimedelta() == timedelta(seconds=FLAGS["timeout"])
        assert call.heartbeat_timeout.ToTimedelta() == timedelta(seconds=FLAGS["heartbeat_timeout"])
        assert call.retry_policy.maximum_attempts == FLAGS["max_attempts"]
        assert call.task_queue.name == task_queue


def http_timeout(request: RecordedRequest) -> float:
    """The read timeout the OpenAI client sent the request with (it tells the server)."""
    return float(request.headers["x-stainless-read-timeout"])


async def test_the_gpt_oss_workers_client_gives_up_before_its_activity_times_out(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer_quoting_tool_result(),
    ]
    with FakeOllamaOpenAI(steps) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        async with serving(
            monkeypatch, env, run_gpt_oss_worker.main, model="gpt-oss:20b", **FLAGS
        ) as worker:
            result, history = await run_sample(env, worker, GptOssWorkflow, PROMPT, "gpt-oss:20b")

    assert WEATHER in result.text
    assert_scheduled_as_flagged(history)
    # The worker's own HTTP timeout is under the activity's: a slow model fails with the
    # client's clear error, before Temporal's bare timeout.
    requests = ollama.requests_to("/v1/chat/completions")
    assert len(requests) == 2
    for request in requests:
        assert 0 < http_timeout(request) < FLAGS["timeout"]
        assert request.body["max_tokens"] == FLAGS["max_tokens"]


async def test_the_gpt_oss_worker_refuses_a_run_on_a_model_it_does_not_serve(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's --model decides: a run naming another model fails in one line before
    any model call, instead of being answered by the served model under the other's name
    (an OpenAI-compatible server such as llama.cpp's answers whatever name it is sent)."""
    answer = [ollama_openai.answer_quoting_tool_result()]
    with FakeOllamaOpenAI(answer, pulled=("smollm2:135m", "gpt-oss:20b")) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        async with serving(
            monkeypatch, env, run_gpt_oss_worker.main, model="smollm2:135m", **FLAGS
        ) as worker:
            with pytest.raises(WorkflowFailureError) as failed:
                await run_sample(env, worker, GptOssWorkflow, PROMPT, "gpt-oss:20b")

    activity_failure = failed.value.cause
    assert isinstance(activity_failure, ActivityError)
    cause = activity_failure.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.non_retryable) == ("ConfigurationError", True)
    assert cause.message == (
        "this worker serves 'smollm2:135m' (its --model), not 'gpt-oss:20b': start the run "
        "with --model smollm2:135m, or a worker with --model gpt-oss:20b"
    )
    assert ollama.chat_requests == []


async def test_the_router_workers_client_gives_up_before_its_activity_times_out(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        openai_responses.call_tool("get_weather", city="Tokyo"),
        openai_responses.answer_quoting_tool_result(),
    ]
    with FakeOpenAIResponses(steps) as openai:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", f"{openai.url}/v1")
        async with serving(monkeypatch, env, run_multi_provider_worker.main, **FLAGS) as worker:
            answer, history = await run_sample(
                env, worker, MultiProviderWorkflow, PROMPT, "openai/gpt-4.1"
            )

    assert WEATHER in answer.text
    assert_scheduled_as_flagged(history)
    requests = openai.response_requests
    assert len(requests) == 2
    for request in requests:
        assert 0 < http_timeout(request) < FLAGS["timeout"]
        assert request.body["max_output_tokens"] == FLAGS["max_tokens"]


async def test_the_litellm_worker_sends_its_bounds(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        anthropic_messages.call_tool("get_weather", city="Tokyo"),
        anthropic_messages.answer_quoting_tool_result(),
    ]
    with FakeAnthropic(steps) as anthropic:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)
        model = "anthropic/claude-sonnet-4-5"
        async with serving(
            monkeypatch, env, run_litellm_provider_worker.main, model=model, **FLAGS
        ) as worker:
            result, history = await run_sample(env, worker, LitellmAutoWorkflow, PROMPT, model)

    assert WEATHER in result.text
    assert_scheduled_as_flagged(history)
    assert [r.body["max_tokens"] for r in anthropic.message_requests] == [FLAGS["max_tokens"]] * 2


async def test_model_calls_sent_to_their_own_queue_run_on_the_model_call_worker_there(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`--model-task-queue`: the workflow worker schedules its model calls there, with its
    own timeouts and attempts; the model-call worker on that queue makes them, with its
    own HTTP timeout under them."""
    queue = f"model-calls-{new_workflow_id(MultiProviderWorkflow)}"
    steps = [
        openai_responses.call_tool("get_weather", city="Tokyo"),
        openai_responses.answer_quoting_tool_result(),
    ]
    with FakeOpenAIResponses(steps) as openai:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", f"{openai.url}/v1")
        async with serving(
            monkeypatch,
            env,
            run_model_call_worker.main,
            task_queue=queue,
            timeout=FLAGS["timeout"],
            max_tokens=FLAGS["max_tokens"],
        ) as model_calls:
            # Each worker's plugin installs the process-wide Agents runner it schedules model
            # calls with, the last one started winning: in one process the workflow worker's
            # must come second (in a deployment each worker has a process of its own).
            while "Worker serving model calls" not in caplog.text:
                assert not model_calls.done(), "the model-call worker stopped before serving"
                await asyncio.sleep(0.05)
            async with serving(
                monkeypatch, env, run_multi_provider_worker.main, model_task_queue=queue, **FLAGS
            ) as worker:
                answer, history = await run_sample(
                    env, worker, MultiProviderWorkflow, PROMPT, "openai/gpt-4.1"
                )
                assert not model_calls.done()

    assert WEATHER in answer.text
    assert_scheduled_as_flagged(history, task_queue=queue)
    for request in openai.response_requests:
        assert 0 < http_timeout(request) < FLAGS["timeout"]
        assert request.body["max_output_tokens"] == FLAGS["max_tokens"]
    # Its start says in one line what it serves, and that the MCP sample's runs fail here.
    [started] = [m for r in caplog.records if "McpWorkflow" in (m := r.getMessage())]
    assert started.endswith(
        ", McpWorkflow (its runs fail here: their MCP tool calls need a router worker without "
        f"--model-task-queue) on {TASK_QUEUE!r}; Ctrl-C to stop"
    ), started
