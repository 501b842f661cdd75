"""A terminal chat with the weather agent, held by a long-running workflow.

Start `run_multi_provider_worker.py` first, in another terminal. Then type messages; each is
answered before the next is read. The conversation starts with the first message. /quit (or
Ctrl-C, or the end of input) leaves it running, to rejoin with --conversation-id; /end closes it.
The exit code is 1 if a message was not answered. Piped input works too, a message a line:
  printf 'Weather in Tokyo?\\nAnd Paris?\\n' | uv run ... run_chat_workflow.py --model ...
"""

from __future__ import annotations

import argparse

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.service import RPCError, RPCStatusCode

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import (
    arguments,
    script,
    temporal,
    terminal,
    tracing,
    usage,
)
from openai_agents.model_providers.workflows.chat_workflow import (
    WORKFLOW_ID_PREFIX,
    ChatWorkflow,
    Conversation,
)
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    check_models_and_fallbacks([args.model], args.fallback_model)  # Refused before anything starts.
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    handle: WorkflowHandle[ChatWorkflow, int] | None = None
    if args.conversation_id:
        # The id reaches the conversation's current run, however often it continued-as-new.
        handle = client.get_workflow_handle_for(ChatWorkflow.run, args.conversation_id)
        await temporal.check_running(
            handle,
            "conversation",
            "check --conversation-id (and TEMPORAL_NAMESPACE), or leave it out to start a new "
            "conversation",
            "leave out --conversation-id to start a new one",
        )
        print(f"Rejoined conversation {handle.id}.")
        script.on_interrupt(left_running(handle.id))  # Ctrl-C leaves it running, as /quit does.
    print("Type a message; /quit leaves the conversation running, /end closes it.")

    answered = not_answered = 0
    async for message in terminal.typed_lines("you> "):
        if message == "/quit":
            break
        if handle is None:
            if message == "/end":
                break
            # Started with the first message: no input, no conversation left behind.
            handle = await client.start_workflow(
                ChatWorkflow.run,
                Conversation(
                    model=args.model,
                    fallbacks=args.fallback_model,
                    memory_budget=args.memory_budget,
                ),
                id=arguments.unique_workflow_id(WORKFLOW_ID_PREFIX),
                task_queue=TASK_QUEUE,
            )
            print(f"Started conversation {handle.id} on {args.model}.")
            script.on_interrupt(left_running(handle.id))  # Ctrl-C leaves it running, as /quit.
        try:
            if message == "/end":
                exchanges = await handle.execute_update(ChatWorkflow.end)
                print(f"Conversation {handle.id} ended after {exchanges} exchanges.")
                # The whole conversation's, in all its runs and summaries.
                usage.print_usage(await handle.query(ChatWorkflow.usage))
                return 0
            # Returns once the agent has replied; the worker may crash and retry meanwhile.
            reply = await handle.execute_update(ChatWorkflow.send, message)
            if reply.summarised_now:
                print(
                    f"[{reply.summarised_now} earlier exchanges summarised: the model reads "
                    "them as a summary now, to stay within the conversation's memory budget]"
                )
            print(f"assistant> {reply.text}")
            if args.fallback_model:  # Which model answered each call, in order.
                print(f"[answered by {', '.join(reply.models)}]")
            usage.print_usage(reply.usage)  # This reply's calls, tokens and cost.
            answered += 1
        except WorkflowUpdateFailedError as error:
            # The message is not part of the conversation; the conversation goes on.
            print(f"Not answered: {temporal.workflow_failure_message(error)}")
            not_answered += 1
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            print(f"Conversation {handle.id} has ended (another terminal sent /end).")
            return 1

    if handle is None:
        print("No message sent: no conversation was started.")
        return 0
    if not answered and not args.conversation_id:
        # Nothing in it to come back to (e.g. the model was wrong): don't leave it running.
        await handle.execute_update(ChatWorkflow.end)
        print(f"Ended conversation {handle.id}: none of its messages was answered.")
        return 1
    print(left_running(handle.id))
    return 1 if not_answered else 0


def left_running(conversation_id: str) -> str:
    return (
        f"Left conversation {conversation_id} running: rejoin it with --conversation-id "
        f"{conversation_id}, and send /end there to close it."
    )


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    parser.add_argument("--model", default=DEFAULT_ROUTER_MODEL, help="default: %(default)s")
    parser.add_argument("--conversation-id", metavar="ID", help="rejoin this conversation")
    arguments.add_fallback_arguments(parser)
    parser.add_argument(
        "--memory-budget",
        type=arguments.at_least_one,
        metavar="TOKENS",
        help="tokens of the conversation the model reads (older exchanges are summarised); "
        "default: what the worker says the model reads",
    )
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
