"""The streaming sample: the starter prints the answer while the model is still writing it,
on each path a model call can take, with the real clients over HTTP to wire-level fakes;
and what it shows when a reply breaks off, a model call hangs, or the run fails.

Each test runs the starter's `main` in this process against an in-process worker. The
first holds back the fake model's last chunk until the starter has printed text: it passes
only if the text reached the starter through Temporal before the model's reply had finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from agents import Model, ModelProvider, ModelResponse
from agents.items import TResponseStreamEvent
from temporalio import activity
from temporalio.api.enums.v1 import TimeoutType
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment
from temporalio.workflow import UnfinishedUpdateHandlersWarning

from openai_agents.model_providers import run_streaming_workflow
from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from openai_agents.model_providers.support.script import failure_line
from openai_agents.model_providers.workflows.streaming_workflow import StreamingWorkflow
from testkit.fakes import anthropic_messages, ollama_native, ollama_openai
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    StreamedReply,
    broken,
    streamed_slowly,
)
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.wiring import (
    ModelCallPolicy,
    build_worker,
    client_with_provider,
    create_gpt_oss_provider,
    create_router_provider,
)
from tests.helpers.in_process import script_arguments
from tests.helpers.usage import (
    ANTHROPIC_CALL,
    LOCAL,
    NO_PRICE_KNOWN,
    OLLAMA_CALL,
    anthropic_cost,
    usage,
)

POLICY = ModelCallPolicy(max_attempts=3)
ANSWER = "Bright sun on Tokyo\nno cloud in the noon sky\nthe tool said so too"
TOOL_RESULT = "[tool result] The weather in Tokyo is sunny."
RESTART = "[the model call failed and was retried: its reply restarts]"
# The tool call and the answer on native Ollama: the broken or repeated attempt not counted.
TWO_CALLS = "Usage: " + usage("ollama/gpt-oss:20b", 2, OLLAMA_CALL, LOCAL)


class StarterOutput(io.StringIO):
    """The starter's standard output, watched as it is written: the moment the answer's
    first words appear, it notes how many model replies the server had finished, then
    lets the held-back reply finish."""

    def __init__(self, server: FakeHTTPServer, release: threading.Event) -> None:
        super().__init__()
        self.server = server
        self.release = release
        self.replies_finished_at_first_words: int | None = None

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.replies_finished_at_first_words is None and ANSWER[:4] in self.getvalue():
            self.replies_finished_at_first_words = self.server.finished_streams
            self.release.set()
        return written


@dataclass
class ModelPath:
    """One way a model call can go: the model name, the fake server that answers it (and
    the variables that point the client there), its two replies."""

    model: str
    fake: Callable[[list[Route]], FakeHTTPServer]
    environment: Callable[[str], dict[str, str]]
    call_tool: Route
    answer: Route
    usage: Callable[[], str]
    """The usage line the starter prints for the two calls: tokens from the fake's wire."""


PATHS = {
    # Ollama's native `/api/chat`, NDJSON chunks: the router's `OllamaModel`.
    "native-ollama": ModelPath(
        "ollama/gpt-oss:20b",
        FakeOllama,
        lambda url: {"OLLAMA_HOST": url},
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer(ANSWER),
        lambda: "Usage: " + usage("ollama/gpt-oss:20b", 2, OLLAMA_CALL, LOCAL),
    ),
    # Ollama's OpenAI-compatible `/v1`, server-sent events: the SDK's Chat Completions
    # model, as the GPT-OSS sample's worker builds it.
    "openai-compatible": ModelPath(
        "gpt-oss:20b",
        FakeOllamaOpenAI,
        lambda url: {"OLLAMA_HOST": url},
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer(ANSWER),
        # A bare name: the router's starter cannot tell where it is served.
        lambda: "Usage: " + usage("gpt-oss:20b", 2, OLLAMA_CALL, NO_PRICE_KNOWN),
    ),
    # LiteLLM, here to Anthropic's Messages API, server-sent events: `LitellmModel`.
    "litellm": ModelPath(
        "litellm/anthropic/claude-sonnet-4-5",
        FakeAnthropic,
        lambda url: {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-ant-test"},
        anthropic_messages.call_tool("get_weather", city="Tokyo"),
        anthropic_messages.answer(ANSWER),
        lambda: (
            "Usage: "
            + usage(
                "litellm/anthropic/claude-sonnet-4-5",
                2,
                ANTHROPIC_CALL,
                anthropic_cost(2 * ANTHROPIC_CALL[0], 2 * ANTHROPIC_CALL[1]),
            )
        ),
    ),
}


async def provider_for(path_name: str, model: str) -> ModelProvider:
    """The router for router names; the GPT-OSS sample's provider for its `/v1` path."""
    if path_name == "openai-compatible":
        return await create_gpt_oss_provider(model, POLICY)
    return create_router_provider(POLICY)


@pytest.mark.parametrize("path_name", sorted(PATHS))
async def test_the_starter_prints_the_answer_before_the_model_has_finished_it(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, path_name: str
) -> None:
    path = PATHS[path_name]
    release = threading.Event()
    steps = [path.call_tool, streamed_slowly(path.answer, delay=0.02, finish_after=release)]
    with path.fake(steps) as server:
        for name, value in path.environment(server.url).items():
            monkeypatch.setenv(name, value)
        provider = await provider_for(path_name, path.model)
        output = StarterOutput(server, release)
        await run_the_starter(env, monkeypatch, provider, POLICY, path.model, output)
        await provider.aclose()

    # The tool-calling reply had finished; the answer had not, yet its words were printed.
    assert output.replies_finished_at_first_words == 1
    running, tool_call, printed = output.getvalue().split("\n", 2)
    assert running.startswith("Running workflow")
    assert tool_call.startswith("[tool call] get_weather(")  # Each provider spaces its JSON.
    assert json.loads(tool_call.removeprefix("[tool call] get_weather(")[:-1]) == {"city": "Tokyo"}
    # What each call used, from the stream's final usage event.
    assert printed == f"{TOOL_RESULT}\n{ANSWER}\nResult: {ANSWER}\n{path.usage()}\n"


async def run_the_starter(
    env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    provider: ModelProvider,
    policy: ModelCallPolicy,
    model: str = "ollama/gpt-oss:20b",
    output: io.StringIO | None = None,
) -> str:
    """What the starter prints for a run on an in-process worker with `provider`."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
    output = output or io.StringIO()
    async with build_worker(
        client_with_provider(env.client, provider, policy), [StreamingWorkflow]
    ):
        with contextlib.redirect_stdout(output):
            assert await run_streaming_workflow.main(script_arguments(model=model)) == 0
    return output.getvalue()


async def test_a_reply_broken_off_mid_stream_is_shown_restarting_not_run_on(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = ModelCallPolicy(max_attempts=3, initial_interval=timedelta(milliseconds=100))
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        broken(ollama_native.answer(ANSWER)),  # One chunk, then the connection drops.
        ollama_native.answer(ANSWER),
    ]
    with FakeOllama(steps) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        router = create_router_provider(policy)
        printed = await run_the_starter(env, monkeypatch, router, policy)
        await router.aclose()

    # The first attempt's words stay on screen, cut off; the retry's reply follows in full,
    # once, after a line that says what happened.
    _running, _tool_call, _tool_result, *rest = printed.splitlines()
    assert "\n".join(rest) == f"{ANSWER[:4]}\n{RESTART}\n{ANSWER}\nResult: {ANSWER}\n{TWO_CALLS}"


Misstep = Callable[[], Awaitable[None]]


class FirstAttemptGoesWrong(ModelProvider):
    """The router's models, except that one model call's first attempt goes wrong: it runs
    `before` ahead of its stream, or `after` once the stream is through."""

    def __init__(
        self,
        router: MultiModelProvider,
        activity_id: str,
        before: Misstep | None = None,
        after: Misstep | None = None,
    ) -> None:
        self.router = router
        self.activity_id = activity_id
        self.before = before
        self.after = after

    def get_model(self, model_name: str | None) -> Model:
        inner, provider = self.router.get_model(model_name), self

        class GoesWrongOnce(Model):
            async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return await inner.get_response(*args, **kwargs)

            async def stream_response(
                self, *args: Any, **kwargs: Any
            ) -> AsyncIterator[TResponseStreamEvent]:
                info = activity.info()
                wrong = (info.activity_id, info.attempt) == (provider.activity_id, 1)
                if wrong and provider.before:
                    await provider.before()
                async for event in inner.stream_response(*args, **kwargs):
                    yield event
                if wrong and provider.after:
                    await provider.after()

        return GoesWrongOnce()


async def die_after_the_reply() -> None:
    """As when a worker dies just after the reply's last batch went out."""
    raise RuntimeError("the worker died after the reply")


async def hang_the_worker() -> None:
    """As a blocking call in a client library would: no heartbeat goes out while the event
    loop is blocked; then the call never returns."""
    # Three times the test's heartbeat timeout: the server times the attempt out even when
    # its timer fires late on a busy machine, before the heartbeats resume after the block.
    time.sleep(6)
    await asyncio.Event().wait()  # Stuck for good, until cancelled.


async def test_a_reply_retried_after_it_completed_is_shown_restarting_too(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = ModelCallPolicy(max_attempts=3, initial_interval=timedelta(milliseconds=100))
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        *[ollama_native.answer(ANSWER)] * 2,
    ]
    with FakeOllama(steps) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        router = create_router_provider(policy)
        provider = FirstAttemptGoesWrong(router, "2", after=die_after_the_reply)
        printed = await run_the_starter(env, monkeypatch, provider, policy)
        await router.aclose()

    _running, _tool_call, _tool_result, *rest = printed.splitlines()
    # The retried call counts once, for the attempt whose reply was recorded.
    assert "\n".join(rest) == f"{ANSWER}\n{RESTART}\n{ANSWER}\nResult: {ANSWER}\n{TWO_CALLS}"


def weather_turn(request: RecordedRequest) -> ollama_native.ReplyPlan:
    """Whichever turn the request is: call the tool, or answer once its result is in."""
    if any(message["role"] == "tool" for message in request.body["messages"]):
        return ollama_native.ReplyPlan(ANSWER)
    return ollama_native.ReplyPlan(tool_calls=[("get_weather", {"city": "Tokyo"})])


async def test_a_hung_model_call_is_retried_after_the_heartbeat_timeout(
    dev_server_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real dev server: the time-skipping one records no reason for a retry."""
    env = dev_server_env
    # The hang outlasts the heartbeat timeout but not the 30 s call timeout: without a
    # heartbeat timeout, the first attempt would hold the call for the full 30 s.
    policy = ModelCallPolicy(
        heartbeat_timeout=timedelta(seconds=2), initial_interval=timedelta(milliseconds=100)
    )
    # Every request gets the answer its turn needs, however many attempts the hang costs.
    with FakeOllama([ollama_native.replying(weather_turn)] * 5) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        router = create_router_provider(policy)
        provider = FirstAttemptGoesWrong(router, "1", before=hang_the_worker)
        printed = await run_the_starter(env, monkeypatch, provider, policy)
        await router.aclose()

    assert printed.endswith(f"Result: {ANSWER}\n{TWO_CALLS}\n")
    [workflow_id] = [line.split()[2] for line in printed.splitlines() if line.startswith("Running")]
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    # A retried activity's last failure is recorded on the attempt that started next.
    first_call = next(
        event.activity_task_started_event_attributes
        for event in history.events
        if event.HasField("activity_task_started_event_attributes")
    )
    assert first_call.attempt >= 2
    timeout_type = first_call.last_failure.timeout_failure_info.timeout_type
    assert timeout_type == TimeoutType.TIMEOUT_TYPE_HEARTBEAT


def after_a_second(route: Route) -> Route:
    def step(request: RecordedRequest) -> Reply | StreamedReply:
        time.sleep(1)
        return route(request)

    return step


async def test_a_failed_run_ends_the_stream_and_fails_in_one_line(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder
) -> None:
    # The model fails only after a while, so the starter's poll is waiting when it does.
    with FakeOllama([after_a_second(ollama_native.invalid_api_key())]) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        router = create_router_provider(POLICY)
        with pytest.raises(WorkflowFailureError) as failed:
            await run_the_starter(env, monkeypatch, router, POLICY)
        await router.aclose()

    line, exit_code = failure_line(failed.value)
    assert exit_code == 1
    assert line.startswith("Workflow failed: Ollama at ") and "rejected the credentials" in line
    # The run let the starter's waiting poll go before it ended, failed or not.
    assert not [w for w in recwarn if issubclass(w.category, UnfinishedUpdateHandlersWarning)]
