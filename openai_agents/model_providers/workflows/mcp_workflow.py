"""An agent whose tools come from MCP servers, on any router model.

Runs in Temporal's workflow sandbox. The MCP clients live on the worker
(`OpenAIAgentsPlugin(mcp_servers=...)` in run_multi_provider_worker.py); here each server is a
durable proxy whose every `list_tools` and `call_tool` is an activity.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from agents import Agent, RunConfig, RunContextWrapper, Runner, trace
from agents.mcp import MCPServer
from agents.run_config import ToolErrorFormatterArgs
from agents.tool_context import ToolContext
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, FailureError, RetryState
from temporalio.openai_agents.workflow import temporal_mcp_server
from temporalio.workflow import ActivityConfig

from openai_agents.model_providers.workflows.answers import Answer, ModelLog
from openai_agents.model_providers.workflows.approvals import (
    DEFAULT_APPROVAL_TIMEOUT,
    Approvals,
    AwaitsDecisions,
)
from openai_agents.model_providers.workflows.failover import agent_model
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    MCP_SERVER_FIXES,
    TIME_MCP_SERVER,
    WEATHER_MCP_SERVER,
    agent_errors_as_failures,
    require_prompt,
)

WORKFLOW_ID_PREFIX = "mcp-workflow-id"
DEFAULT_MCP_PROMPT = "What time is it in Tokyo, and what is the weather there?"

MCP_MAX_ATTEMPTS = 5
# Each MCP operation is an activity: bounded in time and in attempts, so a server that is
# down fails the run after about 15 s of backoff instead of retrying forever.
MCP_OPERATION = ActivityConfig(
    start_to_close_timeout=timedelta(seconds=30),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_interval=timedelta(seconds=10),
        maximum_attempts=MCP_MAX_ATTEMPTS,
    ),
)

MCP_INSTRUCTIONS = (
    "You are a helpful assistant. Use the tools to find the current time and the weather; "
    "answer in one or two sentences."
)


@workflow.defn
class McpWorkflow(AwaitsDecisions):
    """The assistant on whichever router model the run names, with the tools of two MCP
    servers: the MCP project's time server and this repository's weather server.

    The tool list of each server is fetched once per run (one activity each, kept in the
    workflow's state), and each tool call is one activity. A call of a tool named in
    `require_approval` waits for a person's decision (`pending` Query, `decide` Update), as
    in the approval sample, up to `approval_timeout`; a rejected call is never made. A
    model call that fails in a way its provider will not fix is made again on each of
    `fallbacks` in turn.
    """

    @workflow.init
    def __init__(
        self,
        prompt: str,
        model: str = DEFAULT_ROUTER_MODEL,
        require_approval: list[str] | None = None,
        approval_timeout: timedelta = DEFAULT_APPROVAL_TIMEOUT,
        fallbacks: list[str] | None = None,
    ) -> None:
        self.approvals = Approvals(approval_timeout)

    @workflow.run
    async def run(
        self,
        prompt: str,
        model: str = DEFAULT_ROUTER_MODEL,
        require_approval: list[str] | None = None,
        approval_timeout: timedelta = DEFAULT_APPROVAL_TIMEOUT,
        # Last, with a default: runs started before it existed replay unchanged.
        fallbacks: list[str] | None = None,
    ) -> Answer:
        agent = Agent(
            name="Assistant",
            instructions=MCP_INSTRUCTIONS,
            model=agent_model(model, fallbacks or []),
            # The Agents SDK stops the run at a call of these tools until it is decided.
            mcp_servers=mcp_servers(
                require_approval={tool: "always" for tool in require_approval or []} or None
            ),
        )
        run_config = RunConfig(
            # A tool the model invents: it is told so, and the run goes on.
            tool_not_found_behavior="return_error_to_model",
            tool_error_formatter=report_missing_tool,
        )
        log = ModelLog()  # What each model used, both halves of an approval's wait.
        # One trace for the whole run, a wait for approval included (as the approval sample).
        with agent_errors_as_failures(), mcp_errors_as_failures(), trace("MCP workflow"):
            result = await Runner.run(
                agent, require_prompt(prompt), max_turns=MAX_TURNS, run_config=run_config, hooks=log
            )
            while result.interruptions:
                # Kept in workflow memory while it waits, as the approval sample does.
                state = result.to_state()
                await self.approvals.decided(result.interruptions, state)
                result = await Runner.run(agent, state, run_config=run_config, hooks=log)
        return Answer(str(result.final_output), log.models, usage=log.usage)


def mcp_servers(**server_options: Any) -> list[MCPServer]:
    """The durable proxies of the worker's MCP servers; `server_options` reach the Agents
    SDK's `MCPServer` (e.g. `require_approval`)."""
    return [
        temporal_mcp_server(
            name,
            activity_config=MCP_OPERATION,
            failure_error_function=report_mcp_tool_failure,
            **server_options,
        )
        for name in (TIME_MCP_SERVER, WEATHER_MCP_SERVER)
    ]


def report_mcp_tool_failure(context: RunContextWrapper[Any], error: Exception) -> str:
    """What the model is told when an MCP tool call fails, or, for a server that could not
    be reached, the error the run fails with.

    A tool's own error (`isError` in its result) never gets here: it reaches the model as
    the tool's result. A protocol error (the server refused the request, e.g. invalid
    arguments) is not retried, and the model is told, so it can correct its arguments.
    """
    tool_name = context.tool_name if isinstance(context, ToolContext) else "unknown"
    failed = _mcp_activity_error(error)
    if failed is None:  # E.g. arguments that are not JSON: the model's to correct.
        message = f"Tool {tool_name} failed: {error}"
    elif isinstance(failed.cause, ApplicationError) and failed.cause.type == "MCPProtocolError":
        refusal = failed.cause.message
        message = f"MCP server {_server_of(failed)!r} refused {tool_name}: {refusal}"
    else:  # Down or unreachable through every attempt: the run fails, saying so.
        raise error
    workflow.logger.warning(message)
    return f"{message}. Call it again with corrected arguments, or answer without it."


def report_missing_tool(args: ToolErrorFormatterArgs[Any]) -> str | None:
    if args.kind != "tool_not_found":
        return None
    workflow.logger.warning("The model called %s, a tool it does not have", args.tool_name)
    return (
        f"There is no tool named {args.tool_name!r}: call one of the tools you were given, "
        "or answer without one."
    )


@contextmanager
def mcp_errors_as_failures() -> Iterator[None]:
    """Fail the run in one line that names the MCP server and what to do, when one of its
    operations failed for good (after its bounded attempts)."""
    try:
        yield
    except Exception as error:
        failed = _mcp_activity_error(error)
        if failed is None:
            raise
        server = _server_of(failed)
        operation = failed.activity_type.rsplit(".", 1)[-1]
        attempts = (
            f"after {MCP_MAX_ATTEMPTS} attempts"
            if failed.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
            else "without retrying"
        )
        fix = MCP_SERVER_FIXES.get(server, "check the server, then run again")
        raise ApplicationError(
            f"MCP server {server!r} failed {operation} {attempts} ({_root_cause(failed)}): {fix}",
            type="MCPServerUnavailable",
            non_retryable=True,
        ) from error


def _mcp_activity_error(error: BaseException) -> ActivityError | None:
    """The failed MCP activity behind `error`, if there is one."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ActivityError) and seen.activity_type.startswith("temporalio.mcp."):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _server_of(failed: ActivityError) -> str:
    # Activity names are "temporalio.mcp.<server>.<operation>".
    return failed.activity_type.split(".")[2]


def _root_cause(failed: ActivityError) -> str:
    cause: BaseException = failed
    while cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, FailureError):  # Its message, without the error type before it.
        return cause.message
    return str(cause) or type(cause).__name__
