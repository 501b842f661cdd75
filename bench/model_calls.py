"""Row 6: one model call through the native `OllamaModel` against one through the Agents
SDK's `OpenAIChatCompletionsModel`, both against the same fake Ollama: the client's CPU
time and the wall time per call.

How CPU time is measured, and why this way:

- `time.process_time()` of the benchmark process, read just before and just after each
  `await model.get_response(...)`, calls made one at a time. Process time, not
  `time.thread_time()`: it also counts work a client hands to other threads (when a
  client connects, asyncio resolves the address in its thread pool), which thread time
  would hide.
- So that process time holds the client's work and nothing else, the fake servers run in
  a child process (`bench/fake_ollama.py`), and this phase runs before the benchmark
  connects to Temporal: no SDK core threads, workers or servers share the process yet.
  Waiting for the reply costs no CPU, so the fake's own speed shows in wall time only.
- The two paths alternate conversation by conversation (and which one goes first
  alternates too), so drift in CPU clock speed or background load falls on both alike.
- Both turns of the agent are measured: the tool call (turn 1) and the answer to the
  tool's result (turn 2, whose input holds the call and its output), as real runs have.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from agents import Model, ModelResponse, OpenAIChatCompletionsModel
from agents.items import TResponseInputItem
from openai import AsyncOpenAI
from openai.types.responses import ResponseFunctionToolCall

from bench.fake_ollama import FakeOllamaURLs
from bench.models import CITY, MODEL_NAME, PROMPT
from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.providers.ollama_native.provider import OllamaModelProvider
from openai_agents.model_providers.workflows.shared import WEATHER_HAIKU_INSTRUCTIONS, get_weather
from testkit.model_calls import model_call_arguments

WARM_UP_CONVERSATIONS = 3  # First connection, first-use imports and validator building.
TOOL_OUTPUT = f"The weather in {CITY} is sunny."


def conversations_needed(runs: int) -> int:
    """How many two-turn conversations each fake must be scripted for."""
    return WARM_UP_CONVERSATIONS + runs


@dataclass
class _Samples:
    cpu_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)


async def _call(
    model: Model, input: list[TResponseInputItem], samples: _Samples | None
) -> ModelResponse:
    wall, cpu = time.perf_counter(), time.process_time()
    response = await model.get_response(
        **model_call_arguments(input, system=WEATHER_HAIKU_INSTRUCTIONS, tools=[get_weather])
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if samples is not None:
        samples.cpu_ms.append(cpu * 1000)
        samples.wall_ms.append(wall * 1000)
    return response


async def _conversation(model: Model, samples: _Samples | None) -> None:
    """The weather agent's two model calls, as the Runner would make them."""
    question: list[TResponseInputItem] = [{"role": "user", "content": PROMPT}]
    first = await _call(model, question, samples)
    calls = [item for item in first.output if isinstance(item, ResponseFunctionToolCall)]
    if len(calls) != 1 or calls[0].name != "get_weather":
        raise RuntimeError(f"expected one get_weather call, got {first.output!r}")
    result: TResponseInputItem = {
        "type": "function_call_output",
        "call_id": calls[0].call_id,
        "output": TOOL_OUTPUT,
    }
    second = await _call(model, [*question, *first.to_input_items(), result], samples)
    text = " ".join(str(item) for item in second.output)
    if TOOL_OUTPUT not in text:  # The fake quotes the tool result it was sent.
        raise RuntimeError(f"the tool's result did not reach the fake model: {text!r}")


async def model_call_rows(urls: FakeOllamaURLs, runs: int) -> list[Row]:
    """`runs` conversations per path (2 x `runs` model calls each), after a warm-up."""
    native_provider = OllamaModelProvider(base_url=urls.native)
    # Built as `run_gpt_oss_worker.py` builds it: no client retries.
    openai_client = AsyncOpenAI(
        base_url=f"{urls.openai_compatible}/v1", api_key="ollama", max_retries=0
    )
    paths: dict[str, tuple[Model, _Samples]] = {
        "native": (native_provider.get_model(MODEL_NAME), _Samples()),
        "openai": (OpenAIChatCompletionsModel(MODEL_NAME, openai_client), _Samples()),
    }
    try:
        for index in range(WARM_UP_CONVERSATIONS + runs):
            order = list(paths.values()) if index % 2 == 0 else list(paths.values())[::-1]
            for model, samples in order:
                await _conversation(model, samples if index >= WARM_UP_CONVERSATIONS else None)
    finally:
        await native_provider.aclose()
        await openai_client.close()
    labels = {
        "native": "native OllamaModel (/api/chat)",
        "openai": "OpenAIChatCompletionsModel (/v1)",
    }
    rows = [
        Row(f"model_call_cpu_{path}", f"6 call CPU, {labels[path]}", "ms", Summary.of(s.cpu_ms))
        for path, (_, s) in paths.items()
    ]
    rows += [
        Row(f"model_call_wall_{path}", f"6 call wall, {labels[path]}", "ms", Summary.of(s.wall_ms))
        for path, (_, s) in paths.items()
    ]
    return rows
