from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from agents import Agent, Runner, function_tool, trace
from temporalio import activity, workflow
from temporalio.common import RetryPolicy

from openai_agents.model_providers.workflows.answers import Answer, ModelLog
from openai_agents.model_providers.workflows.approvals import (
    DEFAULT_APPROVAL_TIMEOUT,
    Approvals,
    AwaitsDecisions,
    DecidedCall,
)
from openai_agents.model_providers.workflows.failover import agent_model
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    WEATHER_HAIKU_INSTRUCTIONS,
    agent_errors_as_failures,
    get_weather,
    report_tool_failure,
    require_prompt,
)

WORKFLOW_ID_PREFIX = "approval-workflow-id"
ALERT_INSTRUCTIONS = (
    f"{WEATHER_HAIKU_INSTRUCTIONS} When the weather is worth a warning, or you are asked to "
    "warn people, send a weather alert to the city's subscribers with the alert tool."
)


@dataclass
class WeatherAlert:
    city: str
    message: str


@activity.defn
async def deliver_weather_alert(alert: WeatherAlert) -> str:
    """The side effect a person must approve first: here a log line on the worker; in your
    code, the message queue, e-mail or SMS gateway that reaches the subscribers."""
    activity.logger.warning("Weather alert for %s: %s", alert.city, alert.message)
    return f"Alert sent to the subscribers in {alert.city}."


# The Agents SDK stops the run at a call of this tool until it is approved; once it is, the
# tool runs with the arguments the person saw. Its effect is an activity: recorded in the
# history, so a replay or a crashed worker never sends the alert twice.
@function_tool(needs_approval=True, failure_error_function=report_tool_failure)
async def send_weather_alert(city: str, message: str) -> str:
    """Send a weather alert to everyone subscribed to a city's alerts.

    Args:
        city: The city whose subscribers get the alert.
        message: The alert's text.
    """
    return await workflow.execute_activity(
        deliver_weather_alert,
        WeatherAlert(city, message),
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=RetryPolicy(maximum_attempts=5),
    )


@dataclass
class ApprovedAnswer(Answer):
    """The answer, and the decision on each call that needed one, in the order made."""

    decisions: list[DecidedCall] = field(default_factory=list)


@workflow.defn
class ApprovalWorkflow(AwaitsDecisions):
    """The weather-haiku agent, which may send weather alerts, on any router model: each
    alert waits for a person's decision, for as long as `approval_timeout` allows.

    A run that stops at calls needing approval lists them (`pending` Query) and waits,
    without polling, until each is decided (`decide` Update) or its deadline passes (a
    rejection). Approved calls run; the model reads why a rejected one did not, and the
    run goes on from the same state, on the model it was on, to an answer.
    """

    @workflow.init
    def __init__(
        self,
        prompt: str,
        model: str = DEFAULT_ROUTER_MODEL,
        fallbacks: list[str] | None = None,
        approval_timeout: timedelta = DEFAULT_APPROVAL_TIMEOUT,
    ) -> None:
        self.approvals = Approvals(approval_timeout)

    @workflow.run
    async def run(
        self,
        prompt: str,
        model: str = DEFAULT_ROUTER_MODEL,
        fallbacks: list[str] | None = None,
        approval_timeout: timedelta = DEFAULT_APPROVAL_TIMEOUT,
    ) -> ApprovedAnswer:
        agent = Agent(
            name="Assistant",
            instructions=ALERT_INSTRUCTIONS,
            # `model`; with fallbacks, one that fails over to them call by call.
            model=agent_model(model, fallbacks or []),
            tools=[get_weather, send_weather_alert],
        )
        log = ModelLog()  # Which model answered each call, and what each used.
        # One trace for the whole run, the wait included: without it, the resumed run only
        # reattaches the first run's trace, which a traced worker has already ended.
        with agent_errors_as_failures(), trace("Approval workflow"):
            result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log)
            while result.interruptions:
                # The run's state stays in workflow memory while it waits (a replay rebuilds
                # it from the history). Not `to_json()`/`from_json()`: under the plugin 1.1 a
                # restored state's model calls would run outside the model activity.
                state = result.to_state()
                await self.approvals.decided(result.interruptions, state)
                result = await Runner.run(agent, state, hooks=log)
        return ApprovedAnswer(
            str(result.final_output),
            log.models,
            usage=log.usage,  # Both halves: before the wait and after it.
            decisions=self.approvals.decisions,
        )
