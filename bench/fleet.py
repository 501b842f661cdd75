"""Row 11: a fleet under a provider's rate limit. The same batch of weather workflows, each
two model calls to a fake Ollama that takes `MODEL_SECONDS` a call, through three setups:

- the router worker alone, model calls on its own task queue, no limit (the single-worker
  setup every other sample uses);
- a workflow worker with `--model-task-queue` and 1 model-call worker at `CALLS_PER_SECOND`;
- the same with 3 model-call workers, the limit shared by the server.

For each: the throughput (model calls a second over the batch) and the most calls the fake
saw in any one second. Every worker is the sample script in its own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from bench.environment import child_environment
from bench.fake_ollama import REPOSITORY
from bench.report import Row
from bench.timing import Summary
from bench.workers import READY, SCRIPTS, START_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE

MODEL_SECONDS = 0.2
CALLS_PER_SECOND = 10
CONCURRENT_CALLS_PER_WORKER = 4
MODEL_QUEUE = "bench-model-calls"


@contextlib.contextmanager
def _workers(commands: list[tuple[list[str], dict[str, str]]]) -> Iterator[None]:
    """The worker scripts, each polling once this is entered (their logs in a temporary
    file, so that a full pipe never stalls one); Ctrl-C'd on the way out."""
    with tempfile.TemporaryDirectory() as logs, ExitStack() as stack:
        processes: list[subprocess.Popen[bytes]] = []
        stack.callback(_stop, processes)  # Also those started before one that failed.
        for index, (arguments, environment) in enumerate(commands):
            log = stack.enter_context(open(Path(logs) / f"{index}.log", "w+"))
            argv = [sys.executable, str(SCRIPTS / arguments[0]), *arguments[1:]]
            processes.append(
                subprocess.Popen(
                    argv, cwd=REPOSITORY, env=environment, stdout=log, stderr=subprocess.STDOUT
                )
            )
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while READY not in (Path(logs) / f"{index}.log").read_text():
                if processes[-1].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{arguments[0]} did not start: {log.name}")
                time.sleep(0.1)
        yield


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGINT)  # Ctrl-C: each worker shuts down gracefully.
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _most_in_one_second(arrivals: list[float]) -> int:
    arrivals = sorted(arrivals)
    most, first = 0, 0
    for last, arrived in enumerate(arrivals):
        while arrived - arrivals[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def _batch(client: Client, workflows: int) -> None:
    batch = uuid.uuid4().hex[:8]
    handles = [
        await client.start_workflow(
            MultiProviderWorkflow.run,
            args=["What's the weather in Tokyo?", "ollama/gpt-oss:20b"],
            id=f"bench-fleet-{batch}-{index}",
            task_queue=TASK_QUEUE,
        )
        for index in range(workflows)
    ]
    await asyncio.gather(*(handle.result() for handle in handles))


async def fleet_rows(address: str, workflows: int) -> list[Row]:
    # Imported here, like the fakes elsewhere in the benchmark: only this row needs them.
    from testkit.fakes import ollama_native
    from testkit.fakes.ollama_native import FakeOllama

    temporal = {"TEMPORAL_ADDRESS": address}
    client = await Client.connect(address, plugins=[OpenAIAgentsPlugin()])
    rows = []
    for key, label, model_call_workers in (
        ("fleet_single", "11 router worker alone, no limit", 0),
        ("fleet_one", f"11 1 model-call worker, {CALLS_PER_SECOND}/s", 1),
        ("fleet_three", f"11 3 model-call workers, {CALLS_PER_SECOND}/s", 3),
    ):
        steps = [ollama_native.weather_agent(delay=MODEL_SECONDS)] * (2 * workflows + 10)
        with FakeOllama(steps) as ollama, ExitStack() as stack:
            provider = {**temporal, "OLLAMA_HOST": ollama.url}
            commands = [(["run_multi_provider_worker.py"], provider)]
            if model_call_workers:
                queue = ["--model-task-queue", MODEL_QUEUE]
                commands = [(["run_multi_provider_worker.py", *queue], temporal)]
                limits = ["--task-queue", MODEL_QUEUE, "--calls-per-second", str(CALLS_PER_SECOND)]
                limits += ["--max-concurrent-calls", str(CONCURRENT_CALLS_PER_WORKER)]
                commands += [(["run_model_call_worker.py", *limits], provider)] * model_call_workers
            # Starting them blocks for seconds; nothing else runs meanwhile.
            stack.enter_context(
                _workers([(args, child_environment(**env)) for args, env in commands])
            )
            await _batch(client, workflows)
            arrivals = [request.received_at for request in ollama.requests]
        seconds = max(arrivals) - min(arrivals)
        rows.append(
            Row(
                key,
                label,
                "calls/s",
                Summary.of([len(arrivals) / seconds]),
                f"{len(arrivals)} calls in {seconds:.1f} s; at most "
                f"{_most_in_one_second(arrivals)} in any one second",
            )
        )
    return rows
