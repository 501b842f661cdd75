"""Worker for every sample in this folder, on any model, through one `MultiModelProvider`.

The model name's prefix picks the backend, per model call:
  ollama/gpt-oss:20b            Ollama's native API (`-cloud` models: Ollama Cloud)
  litellm/anthropic/claude-...  LiteLLM (imported only when first needed)
  openai/gpt-4.1                OpenAI
Names without a prefix (e.g. the GPT-OSS sample's `gpt-oss:20b`) go to --default-prefix.

It also serves the MCP sample's tools (run_mcp_workflow.py): it starts the MCP project's time
server over stdio, and connects to the weather server (run_weather_mcp_server.py) at
WEATHER_MCP_URL (default: http://127.0.0.1:8765/mcp).

With --model-task-queue NAME it runs the workflows only, and puts their model calls on that
queue for `run_model_call_worker.py` to serve: see "A fleet" in the README.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from agents.mcp import MCPServer, MCPServerStdio, MCPServerStreamableHttp
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.support import cli, temporal
from openai_agents.model_providers.workflows import all_workflows, workflow_activities
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_WEATHER_MCP_URL,
    MCP_SERVER_FIXES,
    MODEL_EVENTS_TOPIC,
    TASK_QUEUE,
    TIME_MCP_SERVER,
    WEATHER_MCP_SERVER,
)

# The MCP project's time server: the console script its package (a dependency) installs here.
TIME_SERVER_COMMAND = str(Path(sys.executable).with_name("mcp-server-time"))
# One MCP request's bound; the activity's own timeout (the workflow's `MCP_OPERATION`) is
# longer, so a slow server fails the attempt here first, saying so.
MCP_REQUEST_TIMEOUT_SECONDS = 10.0


def mcp_server_factories() -> dict[str, Callable[[], MCPServer]]:
    """The MCP sample's servers, by the names its workflow's `temporal_mcp_server` uses.

    Each `list_tools` and `call_tool` of a run is an activity on this worker, which keeps
    the connections open between them (the plugin's `mcp_connection_idle_timeout`).
    """
    return {
        # The MCP project's time server: this worker starts it, over stdio.
        TIME_MCP_SERVER: lambda: MCPServerStdio(
            name=TIME_MCP_SERVER,
            params={
                "command": TIME_SERVER_COMMAND,
                # A fixed zone: the same answers on every machine.
                "args": ["--local-timezone", "UTC"],
            },
            client_session_timeout_seconds=MCP_REQUEST_TIMEOUT_SECONDS,
        ),
        # This repository's weather server, a service of its own over streamable HTTP.
        WEATHER_MCP_SERVER: lambda: MCPServerStreamableHttp(
            name=WEATHER_MCP_SERVER,
            params={
                "url": os.environ.get("WEATHER_MCP_URL") or DEFAULT_WEATHER_MCP_URL,
                "timeout": MCP_REQUEST_TIMEOUT_SECONDS,
            },
            client_session_timeout_seconds=MCP_REQUEST_TIMEOUT_SECONDS,
        ),
    }


async def warn_about_unavailable_mcp_servers(
    factories: dict[str, Callable[[], MCPServer]],
) -> list[str]:
    """Log one warning line for each MCP server that cannot be started (its command is
    missing) or reached (connecting and listing its tools fails), and return them. The
    worker still starts (it serves every sample): the MCP sample's runs then retry within
    their bounds and fail, saying the same."""
    warnings = []
    for name, factory in factories.items():
        server = factory()
        reason = None
        if isinstance(server, MCPServerStdio):
            # Only looked up: starting it would cost every worker start a second or two.
            if shutil.which(server.params.command) is None:
                reason = f"no command {server.params.command!r}"
        else:
            try:
                await server.connect()  # type: ignore[no-untyped-call]
                await server.list_tools()
            except Exception as error:
                reason = str(error) or type(error).__name__
            finally:
                await server.cleanup()  # type: ignore[no-untyped-call]
        if reason is not None:
            warnings.append(
                f"MCP server {name!r} is unavailable ({reason}): {MCP_SERVER_FIXES[name]}"
            )
            logging.warning(warnings[-1])
    return warnings


async def main(args: argparse.Namespace) -> int:
    if args.model_task_queue and (args.fast_path or args.check_model):
        raise providers.ConfigurationError(
            "with --model-task-queue the model calls run on the model-call workers: check "
            "models there (run_model_call_worker.py --check-model), and drop --fast-path, "
            "which would run them here"
        )
    call_timeout = timedelta(seconds=args.timeout)
    # With --model-task-queue the model calls run on the model-call workers
    # (run_model_call_worker.py): this worker builds no provider and needs no keys.
    provider = None
    if args.model_task_queue is None:
        # Each backend is created on first use, its calls bounded a little under Temporal's
        # timeout and never retried inside the client; --check-model checks some now.
        provider = await providers.checked_multi_provider(
            default_prefix=args.default_prefix,
            check_models=args.check_model,
            request_timeout_seconds=providers.request_timeout_under(call_timeout),
            max_tokens=args.max_tokens,
        )
    mcp = mcp_server_factories()
    if provider is not None:  # One warning line for each server that is down now.
        await warn_about_unavailable_mcp_servers(mcp)
    try:
        client = await Client.connect(
            **temporal.connect_config(),
            plugins=[
                OpenAIAgentsPlugin(
                    model_params=ModelActivityParameters(
                        # None: the model calls run here, on TASK_QUEUE.
                        task_queue=args.model_task_queue,
                        start_to_close_timeout=call_timeout,
                        # A model call whose worker died or hung is retried after this.
                        heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                        # Where `Runner.run_streamed`'s model calls publish their events.
                        streaming_topic=MODEL_EVENTS_TOPIC,
                        use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
                        retry_policy=RetryPolicy(
                            maximum_attempts=args.max_attempts,
                            maximum_interval=timedelta(seconds=30),
                        ),
                    ),
                    model_provider=provider,
                    # Only a worker that makes the model calls registers their activities
                    # (and the MCP ones: run the MCP sample without --model-task-queue).
                    register_activities=provider is not None,
                    mcp_servers=mcp,
                )
            ],
        )
        await temporal.check_namespace(client)
        # The approval sample's alert runs here, on TASK_QUEUE, wherever the model calls run.
        activities = workflow_activities()
        if provider is not None:
            # The chat sample asks how much of a conversation its model reads (Ollama says).
            budgets = providers.ConversationBudgets(
                provider, context_tokens=args.context_tokens, reply_tokens=args.max_tokens
            )
            activities.append(budgets.budget)
        else:
            await temporal.warn_if_unpolled(client, args.model_task_queue)
            # The plugin registers the MCP activities only beside the model calls.
            logging.warning(
                "McpWorkflow runs fail on this worker: its MCP tool calls need a router worker "
                "without --model-task-queue"
            )
        workflows = all_workflows()
        stop = cli.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
        async with Worker(
            client, task_queue=TASK_QUEUE, workflows=workflows, activities=activities
        ):
            names = ", ".join(w.__name__ for w in workflows)
            logging.info("Worker serving %s on %r; Ctrl-C to stop", names, TASK_QUEUE)
            await stop.wait()
    finally:
        if provider is not None:
            await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = cli.argument_parser(__doc__, cli.ROUTER_PROVIDERS)
    cli.add_router_arguments(parser)
    cli.add_model_call_arguments(parser)
    cli.add_model_task_queue_argument(parser)
    arguments = parser.parse_args()
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
