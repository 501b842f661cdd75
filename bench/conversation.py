"""Row 10: one long conversation through the chat sample's workflow. 1,000 exchanges
(`--quick`: 30), with messages the size of real chats' (140 characters) and, every 50th, a
pasted document (16 KiB), against an instant scripted model whose replies are 250
characters. At exchanges 10, 100 and 1,000 (`--quick`: 3, 10, 30) it reads the model's input
and the bytes the exchange added to the run's history; it counts the runs (continue-as-new),
times each exchange, and reports the process's peak memory and any warning Temporal logged.

The conversation's memory budget is 8,192 tokens (a document fits; twenty short exchanges do
too), set by the run as `--memory-budget` would; everything else is the sample's own.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agents import Model, ModelProvider, ModelResponse
from temporalio.client import Client, WorkflowHandle
from temporalio.openai_agents.testing import ResponseBuilders, TestModel
from temporalio.worker import Worker

from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from testkit.wiring import ModelCallPolicy, client_with_provider

MEMORY_BUDGET = 8192
MESSAGE = ("What should I wear in Tokyo tomorrow if it rains in the morning? " * 3)[:140]
DOCUMENT = ("A pasted report paragraph about the city's weather and its trains. " * 260)[:16384]
REPLY = ("Rain over Tokyo / an umbrella and a coat / the trains still run on time. " * 4)[:250]
SUMMARY = ("Earlier we talked about Tokyo's weather, clothes and trains. " * 8)[:400]
DOCUMENT_EVERY = 50
POINTS = ("early", "middle", "late")


class InstantChatModel(TestModel):
    """Replies at once; records how large each model call's input was."""

    def __init__(self, input_sizes: list[int]) -> None:
        super().__init__(lambda: ResponseBuilders.output_message(REPLY))
        self._input_sizes = input_sizes

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        self._input_sizes.append(len(json.dumps(kwargs["input"], default=list)))
        if (kwargs["system_instructions"] or "").startswith("Summarise"):
            return ResponseBuilders.output_message(SUMMARY)
        return await super().get_response(*args, **kwargs)


class InstantChatProvider(ModelProvider):
    def __init__(self) -> None:
        self.input_sizes: list[int] = []

    def get_model(self, model_name: str | None) -> Model:
        return InstantChatModel(self.input_sizes)


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings.append(record.getMessage())


@contextmanager
def counted_warnings() -> Iterator[WarningCounter]:
    counter = WarningCounter()
    logging.getLogger("temporalio").addHandler(counter)
    try:
        yield counter
    finally:
        logging.getLogger("temporalio").removeHandler(counter)


async def conversation_rows(base: Client, exchanges: int, points: tuple[int, ...]) -> list[Row]:
    provider = InstantChatProvider()
    client = client_with_provider(base, provider, ModelCallPolicy())
    task_queue = f"bench-conversation-{uuid.uuid4().hex[:8]}"
    per_point: dict[int, dict[str, float]] = {}
    exchange_ms: list[float] = []
    runs: set[str] = set()
    with counted_warnings() as warnings:
        async with Worker(client, task_queue=task_queue, workflows=[ChatWorkflow]):
            started_run = await client.start_workflow(
                ChatWorkflow.run,
                Conversation(model="ollama/gpt-oss:20b", memory_budget=MEMORY_BUDGET),
                id=f"bench-conversation-{uuid.uuid4().hex}",
                task_queue=task_queue,
            )
            # Not bound to the first run: updates and descriptions reach the current one.
            chat = client.get_workflow_handle_for(ChatWorkflow.run, started_run.id)
            for number in range(1, exchanges + 1):
                message = DOCUMENT if number % DOCUMENT_EVERY == 0 else MESSAGE
                run_id = (await chat.describe()).run_id
                runs.add(run_id)
                # The run that answers this exchange, even if it continues-as-new after it.
                answering = client.get_workflow_handle(chat.id, run_id=run_id)
                before = await _history_bytes(answering) if number in points else 0
                calls_before = len(provider.input_sizes)
                started = time.perf_counter()
                await chat.execute_update(ChatWorkflow.send, f"{number}: {message}")
                exchange_ms.append((time.perf_counter() - started) * 1000)
                if number in points:
                    per_point[number] = {
                        "input": max(provider.input_sizes[calls_before:]),
                        "history": await _history_bytes(answering) - before,
                    }
            await chat.execute_update(ChatWorkflow.end)
    rows = []
    # Keys by position (stable whatever the number of exchanges); labels by exchange.
    for point, number in zip(POINTS, points, strict=True):
        measured = per_point[number]
        rows += [
            Row(f"conversation_input_{point}", f"10 model input at exchange {number}",
                "bytes", Summary.of([measured["input"]])),
            Row(f"conversation_history_{point}", f"10 history added by exchange {number}",
                "bytes", Summary.of([measured["history"]])),
            Row(f"conversation_exchange_{point}", f"10 time of exchange {number}",
                "ms", Summary.of(_around(exchange_ms, number))),
        ]  # fmt: skip
    rows += [
        Row("conversation_runs", "10 runs (continue-as-new + 1)", "runs", Summary.of([len(runs)]),
            f"{exchanges} exchanges, budget {MEMORY_BUDGET} tokens"),
        Row("conversation_peak_memory", "10 peak memory of this process", "MiB",
            Summary.of([_peak_mib()]), "worker, client and model, in one process"),
        Row("conversation_warnings", "10 warnings Temporal logged", "warnings",
            Summary.of([len(warnings.warnings)]), "; ".join(warnings.warnings[:2])[:120]),
    ]  # fmt: skip
    return rows


def _around(samples: list[float], number: int, width: int = 5) -> list[float]:
    """The exchange times around `number` (the one measured, and its neighbours)."""
    return samples[max(0, number - width) : number + width]


async def _history_bytes(chat: WorkflowHandle[Any, Any]) -> int:
    """The size of the current run's history, in bytes."""
    history = await chat.fetch_history()
    return sum(event.ByteSize() for event in history.events)


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)
