"""A fleet that respects a provider's rate limit, as a user runs it: a workflow worker with
no provider keys puts the model calls on a task queue of their own, and model-call workers
serve it at a fleet-wide limit the Temporal server enforces. Real processes, a real dev
server, fake providers that note when each call arrived.

A tier of its own (`uv run pytest --fleet -m fleet -n 0`, which CI runs): a minute of five
worker processes would load the machine under the rest of the suite, whose timing tests
need it, and measured alongside them its rate would say more about the load than the
server's limit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.workflows.answers import ModelUsage
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.handoffs_workflow import HandoffsWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import StreamingWorkflow
from openai_agents.model_providers.workflows.structured_output_workflow import (
    StructuredOutputWorkflow,
)
from testkit.fakes import anthropic_messages, ollama_native
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import RecordedRequest, Reply, Route, StreamedReply, held
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import (
    WEATHER,
    BackgroundScript,
    running_worker,
    script_environment,
    wait_until,
)
from tests.helpers.usage import OLLAMA_CALL
from tests.helpers.workflow_runs import model_call_attempts

MODEL_QUEUE = "fleet-test-model-calls"
CALLS_PER_SECOND = 8
WORKFLOWS = 100
# Temporal's matching service limits a task queue with token buckets that hold one second
# of calls (`defaultBurstDuration`), one per partition (4 by default), each rounded up, full
# when the limit starts: at the start, before they have drained, up to about twice the
# rate. Measured here: 15 at 8 calls a second.
BURST = 2 * CALLS_PER_SECOND + 4
PROMPT = "What's the weather in Tokyo?"
REPORT = {
    "city": "Tokyo",
    "conditions": "sunny",
    "temperature": {"value": 21.0, "unit": "celsius"},
    "haiku": "Sun over Tokyo",
}
PROVIDER_VARIABLES = ("OLLAMA_HOST", "OLLAMA_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")


def any_sample_on_ollama(request: RecordedRequest) -> Reply | StreamedReply:
    """An Ollama model for every sample: a typed report when asked for one, the handoff
    when the triage agent offers it, else the weather agent's tool call and answer."""
    offered = [tool["function"]["name"] for tool in request.body.get("tools") or []]
    if request.body.get("format"):
        return ollama_native.answer(json.dumps(REPORT))(request)
    if "transfer_to_weather_specialist" in offered:
        return ollama_native.call_tool("transfer_to_weather_specialist")(request)
    return ollama_native.weather_agent()(request)


def weather_agent_on_anthropic(request: RecordedRequest) -> Reply | StreamedReply:
    if anthropic_messages.tool_results(request.body):
        return anthropic_messages.answer_quoting_tool_result()(request)
    return anthropic_messages.call_tool("get_weather", city="Tokyo")(request)


def burst_beyond_rate(arrivals: list[float], rate: float) -> float:
    """How many more calls than `rate` a second allows arrived in any stretch of time: the
    burst a token bucket at `rate` would need to have let them all through."""
    arrivals = sorted(arrivals)
    return max(
        (last - first + 1) - rate * (arrivals[last] - arrivals[first])
        for first in range(len(arrivals))
        for last in range(first, len(arrivals))
    )


@contextlib.contextmanager
def model_call_workers(
    ollamas: list[FakeOllama], anthropic: FakeAnthropic, tmp_path: Path, address: str
) -> Iterator[list[BackgroundScript]]:
    """One model-call worker per fake Ollama (so a call in flight says which worker has
    it), all on the model queue at the fleet's limit, each with the providers' keys."""
    with ExitStack() as stack:
        workers = []
        for index, ollama in enumerate(ollamas):
            (tmp_path / f"model-calls-{index}").mkdir()
            environment = script_environment(
                TEMPORAL_ADDRESS=address,
                OLLAMA_HOST=ollama.url,
                ANTHROPIC_API_KEY="sk-ant-test-key",
                ANTHROPIC_BASE_URL=anthropic.url,
            )
            worker = running_worker(
                "run_model_call_worker.py",
                *("--task-queue", MODEL_QUEUE, "--calls-per-second", str(CALLS_PER_SECOND)),
                *("--max-concurrent-calls", "4"),
                environment=environment,
                tmp_path=tmp_path / f"model-calls-{index}",
            )
            workers.append(stack.enter_context(worker))
        yield workers


@pytest.mark.fleet
async def test_a_fleet_keeps_to_its_rate_loses_nothing_and_needs_no_keys_where_workflows_run(
    dev_server_address: str, tmp_path: Path
) -> None:
    in_flight_call_released = threading.Event()
    steps: list[Route] = [any_sample_on_ollama] * 400
    first_worker_steps = [*steps[:5], held(any_sample_on_ollama, in_flight_call_released), *steps]
    with (
        FakeOllama(first_worker_steps) as first,
        FakeOllama(steps) as second,
        FakeOllama(steps) as third,
        FakeAnthropic([weather_agent_on_anthropic] * 20) as anthropic,
        # Where the workflow worker's OLLAMA_HOST points: it must never be called.
        FakeOllama([]) as never_called,
    ):
        workflow_worker_environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=never_called.url
        )
        for name in PROVIDER_VARIABLES[1:]:
            workflow_worker_environment.pop(name, None)
        (tmp_path / "workflows").mkdir()
        with (
            running_worker(
                "run_multi_provider_worker.py",
                *("--model-task-queue", MODEL_QUEUE, "--heartbeat-timeout", "5"),
                environment=workflow_worker_environment,
                tmp_path=tmp_path / "workflows",
            ),
            model_call_workers(
                [first, second, third], anthropic, tmp_path, dev_server_address
            ) as workers,
        ):
            client = await Client.connect(dev_server_address, plugins=[OpenAIAgentsPlugin()])
            handles = [
                await client.start_workflow(
                    MultiProviderWorkflow.run,
                    args=[PROMPT, "ollama/gpt-oss:20b"],
                    id=f"fleet-{index}",
                    task_queue=TASK_QUEUE,
                    execution_timeout=timedelta(minutes=5),
                )
                for index in range(WORKFLOWS)
            ]
            # The first model-call worker dies with its sixth call in flight.
            await asyncio.to_thread(
                wait_until,
                lambda: len(first.chat_requests) >= 6,
                "6 calls reach the first worker",
                120,
            )
            workers[0].process.kill()
            workers[0].process.wait()
            in_flight_call_released.set()
            answers = await asyncio.gather(*(handle.result() for handle in handles))
            fleet_calls = [r.received_at for f in (first, second, third) for r in f.requests]
            every_sample = await run_every_sample(client)

    # Every workflow finished, its answer made from the tool's result.
    assert all(WEATHER in answer.text for answer in answers)
    # Each run's usage, from the model-call workers' replies: two calls, however retried.
    two_calls = ModelUsage("ollama/gpt-oss:20b", 2, 2 * OLLAMA_CALL[0], 2 * OLLAMA_CALL[1])
    assert all(answer.usage == [two_calls] for answer in answers)
    # The fleet kept to its limit, with no 429 to make it: in any stretch of time (one
    # second, or the whole run), no more calls than the rate allows and the server's burst.
    assert burst_beyond_rate(fleet_calls, CALLS_PER_SECOND) <= BURST
    # Nothing lost or made twice: one request per attempt, each model call's result
    # recorded once; only the call in flight on the killed worker (and any it had not yet
    # reported) was made again, by the others.
    attempts = [model_call_attempts(await handle.fetch_history()) for handle in handles]
    assert all(len(calls) == 2 for calls in attempts)
    retried = sum(attempt - 1 for calls in attempts for attempt in calls)
    # The killed worker had at most 4 calls at once: each was retried once, and made
    # again unless it died before its request left.
    assert 1 <= retried <= 4
    assert 200 < len(fleet_calls) <= 200 + retried
    # The workflow worker served every sample without a key and never called a provider.
    assert every_sample == {
        "gpt-oss": True,
        "litellm": True,
        "router": True,
        "streaming": True,
        "chat": True,
        "handoffs": True,
        "structured output": True,
    }
    assert never_called.requests == []


async def run_every_sample(client: Client) -> dict[str, bool]:
    """Run each sample's workflow once on the fleet; whether each answered."""
    litellm = "litellm/anthropic/claude-sonnet-4-5"
    runs: dict[str, WorkflowHandle[Any, Any]] = {
        "gpt-oss": await start(client, GptOssWorkflow.run, PROMPT),
        "litellm": await start(client, LitellmAutoWorkflow.run, PROMPT, litellm),
        "router": await start(client, MultiProviderWorkflow.run, PROMPT, litellm),
        "streaming": await start(client, StreamingWorkflow.run, PROMPT, "ollama/gpt-oss:20b"),
        "handoffs": await start(
            client, HandoffsWorkflow.run, PROMPT, "ollama/gpt-oss:20b", "ollama/gpt-oss:20b"
        ),
        "structured output": await start(
            client, StructuredOutputWorkflow.run, PROMPT, "ollama/gpt-oss:20b"
        ),
    }
    results = {name: await handle.result() for name, handle in runs.items()}
    chat = await start(client, ChatWorkflow.run, Conversation(model="ollama/gpt-oss:20b"))
    reply = await chat.execute_update(ChatWorkflow.send, PROMPT)
    await chat.execute_update(ChatWorkflow.end)
    await chat.result()
    answered = {
        name: WEATHER in str(getattr(result, "text", result)) for name, result in results.items()
    }
    answered["structured output"] = results["structured output"].report.city == "Tokyo"
    answered["handoffs"] = results["handoffs"].agent == "Weather specialist"
    answered["chat"] = WEATHER in reply.text
    return answered


async def start(client: Client, run: Any, *args: object) -> WorkflowHandle[Any, Any]:
    handle: WorkflowHandle[Any, Any] = await client.start_workflow(
        run,
        args=list(args),
        id=f"fleet-sample-{time.monotonic_ns()}",
        task_queue=TASK_QUEUE,
        execution_timeout=timedelta(minutes=2),
    )
    return handle
