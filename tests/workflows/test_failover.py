"""Failover (`workflows/failover.py`) on an in-process worker, with the real clients over
HTTP to wire-level fakes: a streamed run, a chat reply and a handoff's specialist go on on
the fallback model; a request no model could take is not failed over. The real-process
test, with the primary down, is in `tests/scripts/test_failover.py`."""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import run_streaming_workflow
from openai_agents.model_providers.workflows.answers import ModelUsage
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from openai_agents.model_providers.workflows.handoffs_workflow import HandoffsWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import StreamingWorkflow
from testkit.fakes import anthropic_messages, ollama_native
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import Route
from testkit.fakes.ollama_native import FakeOllama
from testkit.wiring import (
    ModelCallPolicy,
    build_worker,
    client_with_provider,
    create_router_provider,
)
from tests.helpers.in_process import script_arguments
from tests.helpers.processes import closed_port_address
from tests.helpers.usage import (
    ANTHROPIC_CALL,
    LOCAL,
    OLLAMA_CALL,
    anthropic_cost,
    anthropic_usd,
    usage,
)
from tests.helpers.workflow_runs import (
    activity_failure,
    model_call_attempts,
    new_workflow_id,
    run_on_router,
)

PRIMARY = "ollama/gpt-oss:20b"
FALLBACK = "litellm/anthropic/claude-sonnet-4-5"
POLICY = ModelCallPolicy(max_attempts=2, initial_interval=timedelta(milliseconds=100))
WEATHER = "The weather in Tokyo is sunny."


def serve(monkeypatch: pytest.MonkeyPatch, ollama: FakeOllama, anthropic: FakeAnthropic) -> None:
    monkeypatch.setenv("OLLAMA_HOST", ollama.url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)


async def test_a_streamed_run_goes_on_on_the_fallback_when_its_model_fails(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    primary = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        *[ollama_native.server_error()] * 2,
    ]
    with (
        FakeOllama(primary) as ollama,
        FakeAnthropic([anthropic_messages.answer_quoting_tool_result()]) as anthropic,
    ):
        serve(monkeypatch, ollama, anthropic)
        monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
        router = create_router_provider(POLICY)
        output = io.StringIO()
        async with build_worker(
            client_with_provider(env.client, router, POLICY), [StreamingWorkflow]
        ):
            with contextlib.redirect_stdout(output):
                arguments = script_arguments(model=PRIMARY, fallback_model=[FALLBACK])
                assert await run_streaming_workflow.main(arguments) == 0
        await router.aclose()

    # The tool call (made on the primary) is not made again; the fallback gets the
    # conversation so far, tool result included, and its answer is streamed.
    assert len(ollama.chat_requests) == 3  # The first call, then the second's 2 attempts.
    [request] = anthropic.requests
    assert anthropic_messages.tool_results(request.body) == [WEATHER]
    printed = output.getvalue().splitlines()
    assert printed[1:3] == [
        '[tool call] get_weather({"city": "Tokyo"})',
        f"[tool result] {WEATHER}",
    ]
    # Each call billed to the model that answered it; the primary's failed call to none.
    assert printed[-3:] == [
        f"Answered by: {PRIMARY}, {FALLBACK}",
        f"Usage: {usage(PRIMARY, 1, OLLAMA_CALL, LOCAL)}; "
        + usage(FALLBACK, 1, ANTHROPIC_CALL, anthropic_cost(*ANTHROPIC_CALL)),
        f"Total: 2 calls, {OLLAMA_CALL[0] + ANTHROPIC_CALL[0]} in + "
        f"{OLLAMA_CALL[1] + ANTHROPIC_CALL[1]} out tokens, ${anthropic_usd(*ANTHROPIC_CALL):.6f}",
    ]


async def test_a_chat_reply_says_which_model_answered(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with (
        # A model the primary's server does not have: a final refusal, failed over at once.
        FakeOllama([], pulled=()) as ollama,
        FakeAnthropic([anthropic_messages.answer("Hello from the fallback")]) as anthropic,
    ):
        serve(monkeypatch, ollama, anthropic)
        router = create_router_provider(POLICY)
        workflow_id = new_workflow_id(ChatWorkflow)
        task_queue = f"{TASK_QUEUE}-{workflow_id}"
        client = client_with_provider(env.client, router, POLICY)
        async with build_worker(client, [ChatWorkflow], task_queue):
            chat = await client.start_workflow(
                ChatWorkflow.run,
                Conversation(model=PRIMARY, fallbacks=[FALLBACK], memory_budget=2000),
                id=workflow_id,
                task_queue=task_queue,
                execution_timeout=timedelta(minutes=1),
            )
            reply = await chat.execute_update(ChatWorkflow.send, "Hello")
            await chat.execute_update(ChatWorkflow.end)
            await chat.result()
            conversation_usage = await chat.query(ChatWorkflow.usage)
        await router.aclose()

    assert (reply.text, reply.models) == ("Hello from the fallback", [FALLBACK])
    assert reply.usage == conversation_usage == [ModelUsage(FALLBACK, 1, *ANTHROPIC_CALL)]
    assert len(ollama.chat_requests) == 1  # Refused for good: not retried.


@pytest.mark.parametrize(
    ("primary", "failure"),
    [
        pytest.param(
            [ollama_native.rate_limited(retry_after_seconds=1)] * 2,
            "ProviderRateLimited",
            id="rate-limited-429",
        ),
        pytest.param([ollama_native.broken_reply()] * 2, "ProviderConnectionLost", id="cut-off"),
        pytest.param(None, "ProviderUnreachable", id="down"),
    ],
)
async def test_a_primary_that_stays_rate_limited_cut_off_or_down_is_failed_over(
    env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    primary: list[Route] | None,
    failure: str,
) -> None:
    """Each failure another model may not have, once the primary's attempts are used up."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with (
        FakeOllama(primary or []) as ollama,
        FakeAnthropic([anthropic_messages.answer("Hello from the fallback")]) as anthropic,
        caplog.at_level(logging.WARNING),
    ):
        serve(monkeypatch, ollama, anthropic)
        if primary is None:  # Nothing listens where the primary should be.
            monkeypatch.setenv("OLLAMA_HOST", f"http://{closed_port_address()}")
        outcome = await run_on_router(
            env, POLICY, MultiProviderWorkflow, ["Hello", PRIMARY, [FALLBACK]]
        )

    assert outcome.answer is not None, outcome.failure
    assert (outcome.answer.text, outcome.answer.models) == ("Hello from the fallback", [FALLBACK])
    # The primary's two attempts, then the fallback's one.
    assert model_call_attempts(outcome.history) == [POLICY.max_attempts, 1]
    assert len(ollama.chat_requests) == (0 if primary is None else POLICY.max_attempts)
    [warning] = [r.getMessage() for r in caplog.records if r.name == "temporalio.workflow"]
    assert warning.startswith(f"Model {PRIMARY} failed ({failure}); trying the next one")


async def test_a_prompt_too_long_for_the_model_is_not_failed_over(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with (
        FakeOllama([ollama_native.context_too_long()]) as ollama,
        FakeAnthropic([]) as anthropic,
    ):
        serve(monkeypatch, ollama, anthropic)
        outcome = await run_on_router(
            env,
            POLICY,
            MultiProviderWorkflow,
            ["What's the weather in Tokyo?", PRIMARY, [FALLBACK]],
        )

    # Another model would refuse it too; the failure says what to do about it instead.
    assert outcome.failure is not None
    _activity, cause = activity_failure(outcome.failure)
    assert cause.type == "ContextWindowExceeded"
    assert anthropic.requests == []


async def test_a_specialist_whose_model_fails_goes_on_on_the_fallback(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The specialist's model routes to OpenAI, and the worker has no OPENAI_API_KEY.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with (
        FakeOllama([ollama_native.call_tool("transfer_to_weather_specialist")]) as ollama,
        FakeAnthropic(
            [
                anthropic_messages.call_tool("get_weather", city="Tokyo"),
                anthropic_messages.answer_quoting_tool_result(),
            ]
        ) as anthropic,
    ):
        serve(monkeypatch, ollama, anthropic)
        outcome = await run_on_router(
            env,
            POLICY,
            HandoffsWorkflow,
            ["What's the weather in Tokyo?", PRIMARY, "openai/gpt-4.1", [FALLBACK]],
        )

    assert outcome.answer is not None, outcome.failure
    assert outcome.answer.agent == "Weather specialist"
    assert outcome.answer.models == [PRIMARY, FALLBACK, FALLBACK]
    assert WEATHER in outcome.answer.text


async def test_agents_that_hand_off_share_fallbacks_without_trying_their_own_model_twice(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's fallbacks serve every agent, so one may be another agent's own model (the
    specialist's, here): the agent it belongs to does not make its failed call again."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # The triage model cannot answer.
    with FakeOllama([]) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        triage = "openai/gpt-4.1"
        outcome = await run_on_router(
            env,
            POLICY,
            HandoffsWorkflow,
            ["What's the weather in Tokyo?", triage, PRIMARY, [triage]],
        )

    assert outcome.failure is not None
    _activity, cause = activity_failure(outcome.failure)
    assert cause.type == "ProviderAuthenticationFailed"  # Its own failure, not AllModelsFailed.
    assert model_call_attempts(outcome.history) == [1]
    assert ollama.chat_requests == []


async def test_after_a_failover_later_calls_start_with_the_model_that_answered(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    fallback_steps = [
        anthropic_messages.call_tool("get_weather", city="Tokyo"),
        anthropic_messages.answer_quoting_tool_result(),
    ]
    with (
        FakeOllama([ollama_native.server_error()] * 2) as ollama,
        FakeAnthropic(fallback_steps) as anthropic,
    ):
        serve(monkeypatch, ollama, anthropic)
        outcome = await run_on_router(
            env,
            POLICY,
            MultiProviderWorkflow,
            ["What's the weather in Tokyo?", PRIMARY, [FALLBACK]],
        )

    assert outcome.answer is not None, outcome.failure
    assert outcome.answer.models == [FALLBACK, FALLBACK]
    # The primary's retries were waited out once, for the first call only.
    assert len(ollama.chat_requests) == 2
    assert len(anthropic.requests) == 2
