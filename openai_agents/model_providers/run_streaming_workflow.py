"""Starts the streaming sample's workflow and prints the answer as the model writes it.

Start `run_multi_provider_worker.py` first, in another terminal; any router model streams:
  --model ollama/gpt-oss:20b
  --model litellm/anthropic/claude-sonnet-4-5
  --model openai/gpt-4.1
"""

from __future__ import annotations

import argparse

from agents.items import TResponseStreamEvent
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseTextDeltaEvent,
)
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MODEL_EVENT,
    MODEL_EVENTS_TOPIC,
    TASK_QUEUE,
)
from openai_agents.model_providers.workflows.streaming_workflow import (
    AGENT_STEPS_TOPIC,
    DONE_TOPIC,
    WORKFLOW_ID_PREFIX,
    AgentStep,
    StreamingWorkflow,
)


async def main(args: argparse.Namespace) -> int:
    check_models_and_fallbacks([args.model], args.fallback_model)  # Refused before anything starts.
    prompt = arguments.checked_prompt(args)
    # The plugin gives this client the Agents SDK's data converter, which decodes the
    # model's events as the worker encoded them.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    handle = await client.start_workflow(
        StreamingWorkflow.run,
        args=[prompt, args.model, args.fallback_model],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )

    stream = WorkflowStreamClient.create(client, workflow_id)
    decode = client.data_converter.payload_converter.from_payload
    line = Line()
    # A model call that starts while the last reply is open, or right after a completed one
    # (before the agent's steps that follow each reply), is the last call retried: its
    # attempt failed, mid-reply or just after, and the retry writes a new reply.
    reply_open = replied_without_steps = False
    # One subscription to every topic, read in the order things happened. `RawValue`
    # leaves each item undecoded, so it can be decoded as its topic's type.
    topics = [MODEL_EVENTS_TOPIC, AGENT_STEPS_TOPIC, DONE_TOPIC]
    async for item in stream.subscribe(topics, result_type=RawValue):
        if item.topic == DONE_TOPIC:
            break  # Everything is read. (A failed run publishes nothing: the loop just ends.)
        if item.topic == AGENT_STEPS_TOPIC:
            step = decode(item.data.payload, AgentStep)
            line.mark(f"[{step.kind}] {step.text}")
            replied_without_steps = False
            continue
        event: TResponseStreamEvent = decode(item.data.payload, MODEL_EVENT)
        if isinstance(event, ResponseCreatedEvent):
            line.end()  # Each reply on a line of its own.
            if reply_open or replied_without_steps:
                line.mark("[the model call failed and was retried: its reply restarts]")
            reply_open = True
        elif isinstance(event, ResponseCompletedEvent):
            reply_open, replied_without_steps = False, True
        elif isinstance(event, ResponseTextDeltaEvent):
            line.write(event.delta)

    try:
        answer = await handle.result()
    finally:
        line.end()  # A failure's one line, too, starts on a line of its own.
    print(f"Result: {answer.text}")
    if args.fallback_model:  # Which model answered each call, in order.
        print(f"Answered by: {', '.join(answer.models)}")
    usage.print_usage(answer.usage)  # Calls, tokens and cost, per model.
    return 0


class Line:
    """Deltas run on in one line; each mark gets a line of its own."""

    def __init__(self) -> None:
        self._open = False

    def write(self, text: str) -> None:
        print(text, end="", flush=True)
        self._open = True

    def mark(self, text: str) -> None:
        self.end()
        print(text, flush=True)

    def end(self) -> None:
        if self._open:
            print()
            self._open = False


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_workflow_arguments(parser, DEFAULT_ROUTER_MODEL)
    arguments.add_fallback_arguments(parser)
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
