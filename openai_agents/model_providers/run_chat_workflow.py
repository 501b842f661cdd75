"""A terminal chat with the weather agent, held by a long-running workflow.

Start `run_multi_provider_worker.py` first, in another terminal. Then type messages; each is
answered before the next is read. /quit (or the end of input) leaves the conversation running,
to rejoin with --conversation-id; /end closes it. Piped input works too, a message a line:
  printf 'Weather in Tokyo?\\nAnd Paris?\\n' | uv run ... run_chat_workflow.py --model ...
"""

from __future__ import annotations

import argparse

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.service import RPCError, RPCStatusCode

from openai_agents.model_providers.support import checks, cli, temporal
from openai_agents.model_providers.workflows.chat_workflow import (
    WORKFLOW_ID_PREFIX,
    ChatWorkflow,
    Conversation,
)
from openai_agents.model_providers.workflows.multi_provider_workflow import DEFAULT_ROUTER_MODEL
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    checks.check_router_model_name(args.model)
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    client = await Client.connect(
        **temporal.temporal_connect_config(), plugins=[OpenAIAgentsPlugin()]
    )
    await temporal.check_namespace(client)
    if args.conversation_id:
        # The id reaches the conversation's current run, however often it continued-as-new.
        handle = client.get_workflow_handle_for(ChatWorkflow.run, args.conversation_id)
        await temporal.check_conversation_open(handle)
        print(f"Rejoined conversation {handle.id}.")
    else:
        handle = await client.start_workflow(
            ChatWorkflow.run,
            Conversation(model=args.model),
            id=cli.unique_workflow_id(WORKFLOW_ID_PREFIX),
            task_queue=TASK_QUEUE,
        )
        print(f"Started conversation {handle.id} on {args.model}.")
    print("Type a message; /quit leaves the conversation running, /end closes it.")

    async for message in cli.typed_lines("you> "):
        if message == "/quit":
            break
        try:
            if message == "/end":
                exchanges = await handle.execute_update(ChatWorkflow.end)
                print(f"Conversation {handle.id} ended after {exchanges} exchanges.")
                return 0
            # Returns once the agent has replied; the worker may crash and retry meanwhile.
            reply = await handle.execute_update(ChatWorkflow.send, message)
            print(f"assistant> {reply}")
        except WorkflowUpdateFailedError as error:
            # The message is not part of the conversation; the conversation goes on.
            print(f"Not answered: {cli.workflow_failure_message(error)}")
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            print(f"Conversation {handle.id} has ended (another terminal sent /end).")
            return 1

    print(f"Left conversation {handle.id} running; rejoin with --conversation-id {handle.id}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_ROUTER_MODEL,
        help="router model name for a new conversation (default: %(default)s)",
    )
    parser.add_argument(
        "--conversation-id", metavar="ID", help="rejoin this conversation instead of starting one"
    )
    cli.add_verbose_argument(parser)
    arguments = parser.parse_args()
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
