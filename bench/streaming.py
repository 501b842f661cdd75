"""Row 8: how long a streamed answer's first words take to reach the starter, from the
moment the model's server sends its first chunk.

The streaming sample's workflow, on an in-process worker with the router over the fake
Ollama's native `/api/chat`, streaming one answer a chunk every `CHUNK_DELAY_SECONDS`; a
subscriber reads the stream as `run_streaming_workflow.py` does. The path the first words
take: the model activity reads the chunk, the stream client publishes it with the next
batch (every `streaming_batch_interval`, 100 ms by default) as a signal, the workflow takes
it into its stream, and the subscriber's waiting poll (an Update) returns it.
"""

from __future__ import annotations

import threading
import time
import uuid

from openai.types.responses import ResponseTextDeltaEvent
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.worker import Worker

from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.providers import MultiModelProvider
from openai_agents.model_providers.workflows.shared import MODEL_EVENT, MODEL_EVENTS_TOPIC
from openai_agents.model_providers.workflows.streaming_workflow import StreamingWorkflow
from testkit.wiring import ModelCallPolicy, client_with_provider

CHUNK_DELAY_SECONDS = 0.05
ANSWER = "Sun over Tokyo, a haiku streamed in small pieces to see them arrive"
WARM_UP_RUNS = 1


class FirstChunkClock:
    """The fake model's reply, noting when its first chunk goes out (the server writes the
    headers and the first chunk as soon as the step returns)."""

    def __init__(self) -> None:
        self.sent: list[float] = []
        self._lock = threading.Lock()

    def stamp(self) -> None:
        with self._lock:
            self.sent.append(time.perf_counter())


async def streaming_row(client: Client, runs: int) -> Row:
    # Imported here, like the fakes elsewhere in the benchmark: only this row needs them.
    from testkit.fakes import ollama_native
    from testkit.fakes.http_server import RecordedRequest, Reply, StreamedReply

    clock = FirstChunkClock()
    answer = ollama_native.replying(
        lambda _request: ollama_native.ReplyPlan(ANSWER), delay=CHUNK_DELAY_SECONDS
    )

    def timed_answer(request: RecordedRequest) -> Reply | StreamedReply:
        reply = answer(request)
        clock.stamp()
        return reply

    samples: list[float] = []
    with ollama_native.FakeOllama([timed_answer] * (WARM_UP_RUNS + runs)) as ollama:
        provider = MultiModelProvider(default_prefix="ollama", ollama_base_url=ollama.url)
        # The router worker's plugin, at the workers' defaults (streaming topic included).
        streaming_client = client_with_provider(client, provider, ModelCallPolicy())
        task_queue = f"bench-streaming-{uuid.uuid4().hex[:8]}"
        try:
            async with Worker(
                streaming_client, task_queue=task_queue, workflows=[StreamingWorkflow]
            ):
                for index in range(WARM_UP_RUNS + runs):
                    latency = await _first_delta_latency(streaming_client, task_queue, clock, index)
                    if index >= WARM_UP_RUNS:
                        samples.append(latency * 1000)
        finally:
            await provider.aclose()
    return Row(
        "streaming",
        "8 streaming: first chunk to first delta",
        "ms",
        Summary.of(samples),
        f"native Ollama fake, a chunk every {CHUNK_DELAY_SECONDS * 1000:.0f} ms; "
        "batches every 100 ms",
    )


async def _first_delta_latency(
    client: Client, task_queue: str, clock: FirstChunkClock, index: int
) -> float:
    workflow_id = f"bench-streaming-{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        StreamingWorkflow.run,
        args=["What's the weather in Tokyo?", "ollama/gpt-oss:20b"],
        id=workflow_id,
        task_queue=task_queue,
    )
    decode = client.data_converter.payload_converter.from_payload
    arrived: float | None = None
    stream = WorkflowStreamClient.create(client, workflow_id)
    async for item in stream.subscribe([MODEL_EVENTS_TOPIC], result_type=RawValue):
        if isinstance(decode(item.data.payload, MODEL_EVENT), ResponseTextDeltaEvent):
            arrived = time.perf_counter()
            break
    result = await handle.result()
    if arrived is None or ANSWER not in result.text:
        raise RuntimeError(f"the streamed answer never reached the subscriber: {result!r}")
    return arrived - clock.sent[index]
