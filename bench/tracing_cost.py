"""Row 13: what tracing costs per model call. The GPT-OSS sample's workflow (two model calls
and a tool call) on an in-process worker, tracing off and on, in one run: on the instant
fake model, and with `--real-model` on the bundled llama.cpp model.

"On" is what `OTEL_EXPORTER_OTLP_ENDPOINT` turns on (support/tracing.py): the plugin's
OpenInference spans, exported over OTLP/HTTP by a batch processor to a real receiver
(testkit/otlp_receiver.py) in a child process, so that decoding spans is not timed. "Off"
is as the workers run by default. The settings alternate in blocks, each on a fresh worker
and warmed up first, so drift in load falls on both alike. The global tracer provider is
installed once, before the first block, and stays: this row runs last. An "off" block's
plugin does not use it, and the Agents SDK's traces are off there, as the scripts set them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agents import Model, ModelProvider, ModelResponse
from agents.tracing import generation_span
from temporalio.client import Client
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from bench.models import MODEL_NAME, PROMPT, InstantWeatherModel
from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.support import bundled_model, tracing
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from testkit import real_model
from testkit.wiring import ModelCallPolicy, create_gpt_oss_provider

MODEL_CALLS_PER_RUN = 2
WARM_UP_RUNS = 2
BLOCKS = 4  # Of each setting, on the fake; 2 on the real model.
FAKE = ("tracing_off_fake", "tracing_on_fake", "instant fake model")
REAL = ("tracing_off_real_model", "tracing_on_real_model", "real model")


class SpannedInstantModel(InstantWeatherModel):
    """The instant model with the `generation_span` every real backend makes (model and
    usage): without it, "on" would miss the model-call span a real run exports."""

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        with generation_span(model=MODEL_NAME, disabled=kwargs["tracing"].is_disabled()) as span:
            response = await super().get_response(*args, **kwargs)
            span.span_data.usage = {"input_tokens": 42, "output_tokens": 7}
        return response


class SpannedInstantProvider(ModelProvider):
    def get_model(self, model_name: str | None) -> Model:
        return SpannedInstantModel()


@contextmanager
def receiver_process() -> Iterator[tuple[str, Callable[[], dict[str, int]]]]:
    """A receiver in a child process: its endpoint, and a call that stops it and returns
    how many spans of each name it received."""
    process = subprocess.Popen(
        [sys.executable, "-m", "testkit.otlp_receiver"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    counts: dict[str, int] = {}

    def stop() -> dict[str, int]:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        counts.update(json.loads(process.stdout.read()))
        process.wait()
        return counts

    try:
        yield process.stdout.readline().strip(), stop
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Target:
    """What the workflow runs on: the provider, the model name, the prompt."""

    provider: ModelProvider
    model: str
    prompt: str


async def _block(
    base: Client, target: Target, traced: bool, runs: int
) -> tuple[list[float], list[float]]:
    """`runs` workflows one after another on a fresh worker: per model call of each, the
    wall time and this process's CPU time (the worker's and the client's work; the server,
    the receiver and the real model run in other processes), in ms."""
    # Read by the Agents SDK when the worker's trace provider is first used.
    os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "0" if traced else "1"
    plugin = OpenAIAgentsPlugin(
        model_params=ModelActivityParameters(start_to_close_timeout=timedelta(seconds=30)),
        model_provider=target.provider,
        use_otel_instrumentation=traced,
    )
    config = base.config()
    config["plugins"] = [plugin]
    client = Client(**config)
    task_queue = f"bench-tracing-{uuid.uuid4().hex[:8]}"
    wall: list[float] = []
    cpu: list[float] = []
    async with Worker(client, task_queue=task_queue, workflows=[GptOssWorkflow]):
        for index in range(WARM_UP_RUNS + runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            await client.execute_workflow(
                GptOssWorkflow.run,
                args=[target.prompt, target.model],
                id=f"bench-tracing-{uuid.uuid4().hex}",
                task_queue=task_queue,
            )
            if index >= WARM_UP_RUNS:
                wall.append((time.perf_counter() - started) * 1000 / MODEL_CALLS_PER_RUN)
                cpu.append((time.process_time() - cpu_started) * 1000 / MODEL_CALLS_PER_RUN)
    return wall, cpu


async def _compare(
    base: Client, target: Target, runs: int, blocks: int, names: tuple[str, str, str]
) -> list[Row]:
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for block in range(blocks):
        for traced in (False, True) if block % 2 == 0 else (True, False):
            block_wall, block_cpu = await _block(base, target, traced, runs)
            wall[traced] += block_wall
            cpu[traced] += block_cpu
    off_key, on_key, what = names
    off_summary, on_summary = Summary.of(wall[False]), Summary.of(wall[True])
    ratio = on_summary.median / off_summary.median
    cpu_off, cpu_on = statistics.median(cpu[False]), statistics.median(cpu[True])
    note = f"on/off {ratio:.2f}; worker CPU per call {cpu_off:.1f} -> {cpu_on:.1f} ms"
    return [
        Row(off_key, f"13 per model call, tracing off, {what}", "ms", off_summary, "", cpu_off),
        Row(on_key, f"13 per model call, tracing on, {what}", "ms", on_summary, note, cpu_on),
    ]


def not_measured() -> list[Row]:
    off_key, on_key, what = REAL
    note = "not measured: run with --real-model"
    return [
        Row(off_key, f"13 per model call, tracing off, {what}", "ms", None, note),
        Row(on_key, f"13 per model call, tracing on, {what}", "ms", None, note),
    ]


async def tracing_rows(base: Client, runs: int, real_model_url: str | None) -> list[Row]:
    """Row 13 on the fake, then on the real model where asked for."""
    with receiver_process() as (endpoint, stop):
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
        tracing.from_environment()
        try:
            fake = Target(SpannedInstantProvider(), MODEL_NAME, PROMPT)
            rows = await _compare(base, fake, runs, BLOCKS, FAKE)
            if real_model_url is None:
                rows += not_measured()
            else:
                provider = await create_gpt_oss_provider(
                    bundled_model.MODEL_ALIAS, ModelCallPolicy(), host=real_model_url
                )
                real = Target(provider, bundled_model.MODEL_ALIAS, real_model.TOOL_CALL_PROMPT)
                try:
                    rows += await _compare(base, real, min(runs, 5), 2, REAL)
                finally:
                    await provider.aclose()
        finally:
            os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"
            tracing.flush()
            spans = stop()
    # Proof that "on" exported: every traced model call's span reached the receiver.
    received = f"{spans.get('generation', 0)} model-call spans received in all"
    rows[1] = dataclasses.replace(rows[1], note=f"{rows[1].note}; {received}")
    return rows
