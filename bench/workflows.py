"""Rows 1-5: the two-turn weather agent with the instant model, directly and as the
sample's `GptOssWorkflow` on a local dev server, one latency per run, then throughput.

Every run is checked to have reached the end with the tool's own output in the answer,
so a broken path (e.g. a tool failing quietly) cannot pass for a fast one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from agents import Agent, ModelProvider, RunConfig, Runner
from temporalio import workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from bench.models import (
    MODEL_NAME,
    PROMPT,
    InstantWeatherProvider,
    tool_output_reached_the_model,
)
from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.workflows.answers import Answer
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.shared import (
    WEATHER_HAIKU_INSTRUCTIONS,
    get_weather,
    tool_logger,
)

# Runs before the timed ones, discarded. The first workflow on a fresh worker pays for
# loading the workflow module into the sandbox and the first activity's set-up; the first
# direct run pays for building the tool's schema and pydantic validators.
WARM_UP_RUNS = 3


def _checked(final_output: object) -> None:
    if not tool_output_reached_the_model(str(final_output)):
        raise RuntimeError(f"the weather tool's output did not reach the model: {final_output!r}")


@contextmanager
def sample_tool_callable_outside_workflows() -> Iterator[None]:
    """Let the sample's own `get_weather` run under a plain `Runner.run`.

    The tool logs through a workflow logger (`shared.tool_logger`, and `workflow.logger`
    when it fails), whose level check first asks whether the workflow is replaying history,
    and outside a workflow that question raises. With `log_during_replay` on, the check
    skips the question; nothing else changes (a line logged is logged as usual). Restored
    at once, before any worker runs, so workflows log as they normally do.
    """
    loggers = (workflow.logger, tool_logger)
    before = [logger.log_during_replay for logger in loggers]
    for logger in loggers:
        logger.log_during_replay = True
    try:
        yield
    finally:
        for logger, was in zip(loggers, before, strict=True):
            logger.log_during_replay = was


async def direct_runs(runs: int) -> Row:
    """Row 1, the floor: the same agent and model through `Runner.run`, no Temporal."""
    samples = await timed_direct_runs(
        InstantWeatherProvider(), MODEL_NAME, PROMPT, runs, WARM_UP_RUNS, _checked
    )
    return Row(
        "direct_runner",
        "1 Runner.run, no Temporal (floor)",
        "ms",
        Summary.of(samples),
    )


async def timed_direct_runs(
    provider: ModelProvider,
    model: str,
    prompt: str,
    runs: int,
    warm_up_runs: int,
    check: Callable[[object], None],
) -> list[float]:
    """The sample's weather agent on `model` through plain `Runner.run`: the milliseconds of
    `runs` runs, after `warm_up_runs` untimed ones; `check` sees every answer."""
    agent = Agent(
        name="Assistant",
        instructions=WEATHER_HAIKU_INSTRUCTIONS,
        model=model,
        tools=[get_weather],
    )
    config = RunConfig(model_provider=provider, tracing_disabled=True)
    samples: list[float] = []
    with sample_tool_callable_outside_workflows():
        for index in range(warm_up_runs + runs):
            started = time.perf_counter()
            result = await Runner.run(agent, prompt, run_config=config)
            elapsed = time.perf_counter() - started
            check(result.final_output)
            if index >= warm_up_runs:
                samples.append(elapsed * 1000)
    return samples


@dataclass(frozen=True)
class Setup:
    """One way of running the workflow: how the model calls are made and started."""

    key: str
    label: str
    use_local_activity: bool
    eager_start: bool


REGULAR = Setup("workflow_regular", "2 workflow, model activities", False, False)
LOCAL = Setup("workflow_local", "3 workflow, local activities", True, False)
FAST = Setup("workflow_local_eager", "4 local activities + eager start", True, True)
SETUPS = (REGULAR, LOCAL, FAST)
# Row 5 compares the default with the fastest; the middle one adds little to that.
THROUGHPUT_SETUPS = (REGULAR, FAST)


def _client_for(base: Client, setup: Setup) -> Client:
    """A client on `base`'s connection with the Agents plugin for `setup`.

    The worker is built from this same client object, in this process. Eager start needs
    exactly that: the client hands the server's first workflow task straight to a worker
    it created for the task queue, so a worker in another process never gets one.
    """
    plugin = OpenAIAgentsPlugin(
        model_params=ModelActivityParameters(
            start_to_close_timeout=timedelta(seconds=30),
            use_local_activity=setup.use_local_activity,
        ),
        model_provider=InstantWeatherProvider(),
    )
    config = base.config()
    config["plugins"] = [plugin]
    return Client(**config)


async def _run_once(client: Client, setup: Setup, task_queue: str) -> tuple[float, bool]:
    """One workflow, start to result: its wall time in seconds, and whether the server
    handed its first task back eagerly."""
    started = time.perf_counter()
    handle: WorkflowHandle[GptOssWorkflow, Answer] = await client.start_workflow(
        GptOssWorkflow.run,
        args=[PROMPT, MODEL_NAME],
        id=f"bench-{uuid.uuid4().hex}",
        task_queue=task_queue,
        request_eager_start=setup.eager_start,
    )
    result = await handle.result()
    elapsed = time.perf_counter() - started
    _checked(result.text)
    # A private attribute of the SDK's handle (no public API says this); only the report's
    # note reads it, to show that eager start really happened.
    eager = bool(getattr(handle, "__temporal_eagerly_started", False))
    return elapsed, eager


async def workflow_rows(
    base: Client, runs: int, concurrency: int, throughput_rounds: int
) -> tuple[list[Row], list[Row]]:
    """Rows 2-4 (latency per workflow, run one after another) and row 5 (throughput).

    Each setup gets its own client, worker and task queue; the worker is warmed up first
    and then serves both that setup's latency runs and its throughput rounds.
    """
    latency_rows: list[Row] = []
    throughput_rows: list[Row] = []
    for setup in SETUPS:
        client = _client_for(base, setup)
        task_queue = f"bench-{setup.key}-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=task_queue, workflows=[GptOssWorkflow]):
            for _ in range(WARM_UP_RUNS):
                await _run_once(client, setup, task_queue)
            samples: list[float] = []
            eager_count = 0
            for _ in range(runs):
                elapsed, eager = await _run_once(client, setup, task_queue)
                samples.append(elapsed * 1000)
                eager_count += eager
            # Eager start needs the worker in this process, built from the starting client.
            note = f"eagerly started {eager_count}/{runs}" if setup.eager_start else ""
            latency_rows.append(Row(setup.key, setup.label, "ms", Summary.of(samples), note))
            if setup in THROUGHPUT_SETUPS:
                throughput_rows.append(
                    await _throughput(client, setup, task_queue, concurrency, throughput_rounds)
                )
    return latency_rows, throughput_rows


async def _throughput(
    client: Client, setup: Setup, task_queue: str, concurrency: int, rounds: int
) -> Row:
    """`concurrency` workflows started at once on the one worker; workflows per second
    from the first start to the last result, once per round."""
    samples: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        await asyncio.gather(*(_run_once(client, setup, task_queue) for _ in range(concurrency)))
        samples.append(concurrency / (time.perf_counter() - started))
    label = "5 throughput, " + ("model activities" if setup is REGULAR else "local + eager")
    return Row(
        f"throughput_{setup.key.removeprefix('workflow_')}",
        label,
        "wf/s",
        Summary.of(samples),
        f"{concurrency} concurrent workflows per round, one worker",
    )
