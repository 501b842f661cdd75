"""The MCP sample against its two real servers as processes: the MCP project's time server
(started by the worker over stdio) and the weather server (run_weather_mcp_server.py over
streamable HTTP), with a scripted model that calls their tools.

The module's runs share one worker (one plugin, so one time server process and one
connection to each server, as on a real worker), each with its own workflow id and model;
only the run whose weather server cannot be reached has a worker of its own."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from agents import Model, ModelProvider, ModelResponse, Usage
from openai.types.responses import ResponseFunctionToolCall
from temporalio import activity
from temporalio.client import Client, WorkflowHistory
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.openai_agents.testing import ResponseBuilders
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from openai_agents.model_providers import mcp_servers, run_mcp_workflow
from openai_agents.model_providers.mcp_servers import (
    mcp_server_factories,
    note_unavailable_mcp_servers,
)
from openai_agents.model_providers.workflows.approvals import Decision
from openai_agents.model_providers.workflows.mcp_workflow import MCP_MAX_ATTEMPTS, McpWorkflow
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.fakes.http_server import RecordedRequest
from testkit.weather_mcp import WeatherMcpServer
from testkit.wiring import ModelCallPolicy, agents_plugin, build_worker
from tests.helpers.in_process import script_arguments
from tests.helpers.model_paths import MODEL_PATHS, ModelPath
from tests.helpers.scripted_model import RecordingProvider
from tests.helpers.workflow_runs import Outcome, new_workflow_id, run_on_queue

PROMPT = "What time is it in Tokyo, and what is the weather there?"
TOKYO_WEATHER = "The weather in Tokyo is sunny, 22 °C."
POLICY = ModelCallPolicy(max_attempts=3)
# Each converts the Agents SDK's tool schemas to its own API's shape (the router path is the
# native one again).
SCHEMA_CONVERTING_PATHS = ("ollama-native", "ollama-openai-compatible", "litellm")


@pytest.fixture(scope="session")
def weather_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WeatherMcpServer]:
    """One weather server for the session's tests; each test reads only its own calls (its
    log spans the kill test's restart, on the same port)."""
    with WeatherMcpServer(tmp_path_factory.mktemp("weather-mcp")) as server:
        yield server


@pytest.fixture
def weather(weather_server: WeatherMcpServer, monkeypatch: pytest.MonkeyPatch) -> WeatherMcpServer:
    monkeypatch.setenv("WEATHER_MCP_URL", weather_server.url)
    return weather_server


def tool_calls(*calls: tuple[str, str, dict[str, Any]]) -> ModelResponse:
    """One model reply calling several tools at once: (call id, tool, arguments)."""
    return ModelResponse(
        output=[
            ResponseFunctionToolCall(
                arguments=json.dumps(arguments),
                call_id=call_id,
                name=name,
                type="function_call",
                id=f"item-{call_id}",
                status="completed",
            )
            for call_id, name, arguments in calls
        ],
        usage=Usage(),
        response_id=None,
    )


def tool_outputs(model_input: Any) -> dict[str, str]:
    """Each tool result the model was given, by call id (an MCP result's text parts joined)."""
    return {
        item["call_id"]: _text(item["output"])
        for item in model_input
        if item.get("type") == "function_call_output"
    }


def _text(output: str | list[dict[str, Any]]) -> str:
    if isinstance(output, str):
        return output
    return "".join(part["text"] for part in output if part["type"] == "input_text")


def mcp_activities(history: WorkflowHistory) -> list[str]:
    """The MCP operations the run scheduled, e.g. "weather.call-tool", in order."""
    return [
        event.activity_task_scheduled_event_attributes.activity_type.name.removeprefix(
            "temporalio.mcp."
        )
        for event in history.events
        if event.activity_task_scheduled_event_attributes.activity_type.name.startswith(
            "temporalio.mcp."
        )
    ]


class ModelPerRun(ModelProvider):
    """The shared worker's model provider: each run's own (a scripted model, or a model
    path's real provider), by its workflow id."""

    def __init__(self) -> None:
        self.by_workflow_id: dict[str, ModelProvider] = {}

    def get_model(self, model_name: str | None) -> Model:
        # Asked inside the model activity, which knows the run it serves.
        workflow_id = activity.info().workflow_id
        assert workflow_id is not None
        return self.by_workflow_id[workflow_id].get_model(model_name)


class McpWorker:
    """The router worker's MCP servers and the sample's workflow on one running worker."""

    def __init__(
        self, client: Client, task_queue: str, plugin: OpenAIAgentsPlugin, models: ModelPerRun
    ) -> None:
        self.client, self.task_queue, self.plugin, self.models = client, task_queue, plugin, models

    def new_run(self, provider: ModelProvider) -> str:
        """A workflow id whose model calls `provider` answers."""
        workflow_id = new_workflow_id(McpWorkflow)
        self.models.by_workflow_id[workflow_id] = provider
        return workflow_id

    async def run(self, provider: ModelProvider, args: Sequence[Any] = (PROMPT,)) -> Outcome:
        """The sample's workflow to its end, then its history replayed: the workflow code
        is deterministic."""
        workflow_id = self.new_run(provider)
        outcome = await run_on_queue(
            self.client, McpWorkflow.run, args, self.task_queue, workflow_id
        )
        await self.replay(outcome.history)
        return outcome

    async def replay(self, history: WorkflowHistory) -> None:
        replayer = Replayer(workflows=[McpWorkflow], plugins=[self.plugin])
        await replayer.replay_workflow(history)


@asynccontextmanager
async def running_mcp_worker(env: WorkflowEnvironment) -> AsyncIterator[McpWorker]:
    """A worker with the router worker's MCP servers, on a queue of its own."""
    models = ModelPerRun()
    plugin = agents_plugin(models, POLICY, mcp_server_factories())
    config = env.client.config()
    config["plugins"] = [plugin]
    client = Client(**config)
    task_queue = f"{TASK_QUEUE}-{new_workflow_id(McpWorkflow)}"
    async with build_worker(client, [McpWorkflow], task_queue):
        yield McpWorker(client, task_queue, plugin, models)


@pytest.fixture(scope="module")
async def mcp_worker(env: WorkflowEnvironment) -> AsyncIterator[McpWorker]:
    """One worker for the module's runs. Its weather connection goes to WEATHER_MCP_URL as
    the test that opens it sets it (the `weather` fixture)."""
    async with running_mcp_worker(env) as worker:
        yield worker


async def test_each_servers_tool_gets_the_models_arguments_and_the_model_reads_its_reply(
    mcp_worker: McpWorker, weather: WeatherMcpServer
) -> None:
    already = len(weather.calls())
    forecast = {"place": {"city": "Tokyo", "country": "Japan"}, "days": 2, "units": "fahrenheit"}
    provider = RecordingProvider(
        [
            tool_calls(
                ("c-time", "get_current_time", {"timezone": "Asia/Tokyo"}),
                ("c-weather", "get_weather", {"city": "Tokyo"}),
                ("c-forecast", "get_forecast", forecast),
            ),
            ResponseBuilders.output_message("It is evening in Tokyo, and sunny."),
        ]
    )

    outcome = await mcp_worker.run(provider)

    assert outcome.failure is None, outcome.failure
    assert outcome.result == "It is evening in Tokyo, and sunny."
    first, second = provider.calls
    assert sorted(first.tool_names) == [
        "convert_time",
        "get_current_time",
        "get_forecast",
        "get_weather",
    ]
    # The weather server received exactly the model's arguments (parallel calls: any order).
    assert sorted(weather.calls()[already:]) == [
        ("get_forecast", forecast),
        ("get_weather", {"city": "Tokyo"}),
    ]
    outputs = tool_outputs(second.input)
    assert outputs["c-weather"] == TOKYO_WEATHER
    assert outputs["c-forecast"] == (
        "day 1: The weather in Tokyo is sunny, 71.6 °F.; "
        "day 2: The weather in Tokyo is sunny, 71.6 °F."
    )
    # The time server's own reply: the current time in the zone the model asked for.
    now_in_tokyo = json.loads(outputs["c-time"])
    assert now_in_tokyo["timezone"] == "Asia/Tokyo"
    assert now_in_tokyo["datetime"].endswith("+09:00")
    # Each server's tools listed once for the whole run; each call one activity.
    assert sorted(mcp_activities(outcome.history)) == [
        "time.call-tool",
        "time.list-tools",
        "weather.call-tool",
        "weather.call-tool",
        "weather.list-tools",
    ]


async def test_the_model_is_told_of_a_tool_error_an_invented_tool_and_a_refused_call(
    mcp_worker: McpWorker, weather: WeatherMcpServer
) -> None:
    already = len(weather.calls())
    provider = RecordingProvider(
        [
            tool_calls(
                ("c-moon", "get_moon_phase", {"city": "Tokyo"}),
                ("c-atlantis", "get_weather", {"city": "Atlantis"}),
                ("c-days", "get_forecast", {"place": {"city": "Tokyo"}, "days": 9}),
            ),
            ResponseBuilders.output_message("I could not find all of that."),
        ]
    )

    outcome = await mcp_worker.run(provider)

    assert outcome.failure is None, outcome.failure
    outputs = tool_outputs(provider.calls[1].input)
    assert outputs["c-moon"].startswith("There is no tool named 'get_moon_phase'")
    # The tool's own error, as the server worded it.
    assert "no weather for 'Atlantis': try one of tokyo, paris, new york" in outputs["c-atlantis"]
    # A protocol error ("invalid params"): the model is told, and it is not retried.
    assert outputs["c-days"].startswith(
        "MCP server 'weather' refused get_forecast: days must be 1 to 3, not 9"
    )
    assert sorted(weather.calls()[already:]) == [
        (
            "get_forecast",
            {"place": {"city": "Tokyo", "country": None}, "days": 9, "units": "celsius"},
        ),
        ("get_weather", {"city": "Atlantis"}),
    ]
    assert outcome.workflow_task_failures() == 0


@pytest.mark.long
async def test_a_server_that_cannot_be_reached_fails_the_run_after_bounded_attempts(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHER_MCP_URL", "http://127.0.0.1:9/mcp")  # Nothing listens there.
    provider = RecordingProvider([ResponseBuilders.output_message("unreachable")])
    # A worker of its own: the shared one keeps its open connection to the weather server.
    async with running_mcp_worker(env) as own_worker:
        outcome = await own_worker.run(provider)

    assert outcome.failure is not None
    assert isinstance(outcome.failure.cause, ApplicationError)
    message = outcome.failure.cause.message
    assert message.startswith(
        f"MCP server 'weather' failed list-tools after {MCP_MAX_ATTEMPTS} attempts "
        "(Failed to connect to MCP server 'weather': Could not reach the server.): "
    ), message
    assert message.endswith(
        "start run_weather_mcp_server.py where the worker's WEATHER_MCP_URL points, then run again"
    ), message
    assert "\n" not in message
    assert provider.calls == []  # No model call without the tools.
    assert outcome.workflow_task_failures() == 0


class ProviderWithHooks(RecordingProvider):
    """A scripted model that first awaits `before[n]`, if any, in its n-th call (from 0)."""

    def __init__(
        self,
        responses: list[ModelResponse | Exception],
        before: dict[int, Callable[[], Awaitable[None]]],
    ) -> None:
        super().__init__(responses)
        self._before = before

    def get_model(self, model_name: str | None) -> Model:
        model = super().get_model(model_name)
        answer = model.get_response

        async def get_response(*args: Any, **kwargs: Any) -> ModelResponse:
            hook = self._before.get(len(self.calls))
            if hook is not None:
                await hook()
            return await answer(*args, **kwargs)

        model.get_response = get_response  # type: ignore[method-assign]
        return model


async def test_a_weather_server_killed_mid_run_and_restarted_repeats_no_finished_call(
    mcp_worker: McpWorker, weather: WeatherMcpServer
) -> None:
    server = weather
    already = len(server.calls())

    async def kill_and_restart() -> None:
        # Between the two tool calls: the worker's open session dies with the server.
        server.kill()
        await asyncio.to_thread(server.start)

    provider = ProviderWithHooks(
        [
            tool_calls(("c-tokyo", "get_weather", {"city": "Tokyo"})),
            tool_calls(("c-paris", "get_weather", {"city": "Paris"})),
            ResponseBuilders.output_message("Sunny in Tokyo, rainy in Paris."),
        ],
        before={1: kill_and_restart},
    )

    outcome = await mcp_worker.run(provider)

    assert outcome.failure is None, outcome.failure
    assert outcome.result == "Sunny in Tokyo, rainy in Paris."
    # The restarted server got the second call only: the first, finished before the
    # kill, is in the history and was not made again.
    assert server.calls()[already:] == [
        ("get_weather", {"city": "Tokyo"}),
        ("get_weather", {"city": "Paris"}),
    ]
    assert tool_outputs(provider.calls[2].input) == {
        "c-tokyo": TOKYO_WEATHER,
        "c-paris": "The weather in Paris is rainy, 14 °C.",
    }
    assert mcp_activities(outcome.history).count("weather.list-tools") == 1


async def test_a_weather_server_that_dies_mid_run_fails_the_run_after_bounded_attempts(
    mcp_worker: McpWorker, weather: WeatherMcpServer
) -> None:
    async def kill() -> None:  # After the first tool call, for the rest of the run.
        weather.kill()

    provider = ProviderWithHooks(
        [
            tool_calls(("c-tokyo", "get_weather", {"city": "Tokyo"})),
            tool_calls(("c-paris", "get_weather", {"city": "Paris"})),
            ResponseBuilders.output_message("never"),
        ],
        before={1: kill},
    )
    try:
        outcome = await mcp_worker.run(provider)
    finally:
        await asyncio.to_thread(weather.start)  # For the tests after this one.

    assert outcome.failure is not None
    assert isinstance(outcome.failure.cause, ApplicationError)
    message = outcome.failure.cause.message
    assert message.startswith(
        f"MCP server 'weather' failed call-tool after {MCP_MAX_ATTEMPTS} attempts"
    ), message
    assert "start run_weather_mcp_server.py" in message, message
    assert "\n" not in message
    assert len(provider.calls) == 2  # The model never saw a reply it could not get.
    assert outcome.workflow_task_failures() == 0


def wire_tools(path: ModelPath, request: RecordedRequest) -> dict[str, Any]:
    """The tool schemas a model request carried, by name, in the path's wire format."""
    if path.id == "litellm":  # Anthropic's Messages API.
        return {tool["name"]: tool["input_schema"] for tool in request.body["tools"]}
    return {  # Chat Completions, and Ollama's native API alike.
        tool["function"]["name"]: tool["function"]["parameters"] for tool in request.body["tools"]
    }


def resolved(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, or what its local `$ref` names in `root` (a path may inline references)."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def allows_null(schema: dict[str, Any]) -> bool:
    """An optional value, in either spelling: `anyOf` with null, or a list of types."""
    types = schema.get("type")
    branches = [branch.get("type") for branch in schema.get("anyOf", [])]
    return "null" in branches or (isinstance(types, list) and "null" in types)


@pytest.mark.parametrize(
    "path",
    [p for p in MODEL_PATHS if p.id in SCHEMA_CONVERTING_PATHS],
    ids=lambda p: p.id,
)
async def test_mcp_tool_schemas_reach_each_model_paths_wire_intact(
    mcp_worker: McpWorker,
    weather: WeatherMcpServer,
    path: ModelPath,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forecast = {"place": {"city": "Tokyo", "country": "Japan"}, "days": 1, "units": "fahrenheit"}
    already = len(weather.calls())
    with path.serve(
        [path.steps.call_tool("get_forecast", **forecast), path.steps.answer_quoting_tool_result()],
        0,
    ) as model_server:
        provider = await path.make_provider(model_server.url, POLICY, monkeypatch)
        outcome = await mcp_worker.run(provider, [PROMPT, path.model])
        requests = model_server.requests_to(path.model_call_path)

    assert outcome.failure is None, outcome.failure
    sent = wire_tools(path, requests[0])
    assert sent["get_weather"]["properties"]["city"]["type"] == "string"
    assert sent["get_weather"]["required"] == ["city"]
    # The nested object (`place`, a $ref into $defs as the server writes it, which a path may
    # inline) and the enum (`units`) arrive whole: every field, description and constraint.
    schema = sent["get_forecast"]
    assert schema["required"] == ["place"]
    assert schema["properties"]["units"]["enum"] == ["celsius", "fahrenheit"]
    assert schema["properties"]["days"]["type"] == "integer"
    place = resolved(schema, schema["properties"]["place"])
    assert place["type"] == "object"
    assert place["required"] == ["city"]
    assert place["properties"]["city"] == {
        "description": "The city, e.g. 'Tokyo'.",
        "title": "City",
        "type": "string",
    }
    assert allows_null(place["properties"]["country"])
    assert weather.calls()[already:] == [("get_forecast", forecast)]
    # The server's reply reached the model, and through it the answer.
    assert "day 1: The weather in Tokyo is sunny, 71.6 °F." in (outcome.result or "")


async def test_a_model_call_its_provider_cannot_answer_goes_to_the_fallback(
    mcp_worker: McpWorker,
    weather: WeatherMcpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The MCP starter's --fallback-model, as every router starter's: the workflow's trailing
    `fallbacks` parameter, and which model answered each call printed."""
    provider = RecordingProvider(
        [
            ApplicationError("no such model", type="ModelNotFound", non_retryable=True),
            ResponseBuilders.output_message("Evening in Tokyo, and sunny."),
        ]
    )
    workflow_id = mcp_worker.new_run(provider)
    address = mcp_worker.client.service_client.config.target_host
    monkeypatch.setenv("TEMPORAL_ADDRESS", address)
    monkeypatch.setattr(run_mcp_workflow, "TASK_QUEUE", mcp_worker.task_queue)
    arguments = script_arguments(
        model="ollama/missing", fallback_model=["openai/gpt-4.1"], workflow_id=workflow_id
    )

    assert await run_mcp_workflow.main(arguments) == 0

    assert [call.model_name for call in provider.calls] == ["ollama/missing", "openai/gpt-4.1"]
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:3] == [
        "Result: Evening in Tokyo, and sunny.",
        "Answered by: openai/gpt-4.1",
    ]


async def test_the_worker_notes_at_start_each_mcp_server_it_cannot_start_or_reach(
    weather_server: WeatherMcpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the MCP sample uses the servers: the router worker serves every sample, so a
    server that is down is a note (INFO) saying which sample needs it, not a warning."""
    monkeypatch.setenv("WEATHER_MCP_URL", weather_server.url)
    assert await note_unavailable_mcp_servers(mcp_server_factories()) == []

    monkeypatch.setenv("WEATHER_MCP_URL", "http://127.0.0.1:9/mcp")
    monkeypatch.setattr(mcp_servers, "TIME_SERVER_COMMAND", "/missing/mcp-server-time")
    caplog.clear()
    notes = await note_unavailable_mcp_servers(mcp_server_factories())

    assert notes == [
        "the MCP sample (McpWorkflow) needs MCP server 'time', unavailable now (no command "
        "'/missing/mcp-server-time'): the worker starts it from the `mcp-server-time` command "
        "of its environment: run `uv sync`, then restart the worker",
        "the MCP sample (McpWorkflow) needs MCP server 'weather', unavailable now (Failed to "
        "connect to MCP server 'weather': Could not reach the server.): start "
        "run_weather_mcp_server.py where the worker's WEATHER_MCP_URL points, then run again",
    ]
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO] == [
        (logging.INFO, note) for note in notes
    ]


async def test_an_mcp_tool_that_requires_approval_waits_for_the_decide_update(
    mcp_worker: McpWorker, weather: WeatherMcpServer
) -> None:
    """The approval sample's `decide` Update on MCP tools: the approved call reaches the
    server once, after its decision; the rejected one never does, and the model is told."""
    already = len(weather.calls())
    provider = RecordingProvider(
        [
            tool_calls(
                ("c-weather", "get_weather", {"city": "Tokyo"}),
                ("c-forecast", "get_forecast", {"place": {"city": "Tokyo"}, "days": 3}),
            ),
            ResponseBuilders.output_message("Sunny in Tokyo."),
        ]
    )
    run = await mcp_worker.client.start_workflow(
        McpWorkflow.run,
        args=[PROMPT, "scripted", ["get_weather", "get_forecast"]],
        id=mcp_worker.new_run(provider),
        task_queue=mcp_worker.task_queue,
        execution_timeout=timedelta(days=30),
    )
    while len(pending := await run.query(McpWorkflow.pending)) < 2:
        await asyncio.sleep(0.05)
    received_before_deciding = weather.calls()[already:]
    await run.execute_update(McpWorkflow.decide, Decision("c-weather", True, "fine", "ada"))
    await run.execute_update(
        McpWorkflow.decide, Decision("c-forecast", False, "one day is enough", "ada")
    )
    result = await run.result()
    await mcp_worker.replay(await run.fetch_history())

    assert sorted(call.tool for call in pending) == ["get_forecast", "get_weather"]
    assert received_before_deciding == []
    assert result.text == "Sunny in Tokyo."
    assert weather.calls()[already:] == [("get_weather", {"city": "Tokyo"})]
    outputs = tool_outputs(provider.calls[1].input)
    assert outputs["c-weather"] == TOKYO_WEATHER
    assert "ada rejected it (one day is enough)" in outputs["c-forecast"]
