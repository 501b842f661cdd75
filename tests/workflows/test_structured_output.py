"""The structured output sample on every path a router model call can take, with the real
clients over HTTP to wire-level fakes that hold each answer to the schema they received:
the typed report comes back whole; an answer outside the schema is retried as a model
call, then fails the run in one line; a server that refuses the schema says so at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import jsonschema  # type: ignore[import-untyped]
import pytest
from agents import ModelProvider
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.structured_output_workflow import (
    ReportAnswer,
    StructuredOutputWorkflow,
    Temperature,
    WeatherReport,
)
from testkit.fakes import anthropic_messages, ollama_native, ollama_openai, openai_responses
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import FakeHTTPServer, Route
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.fakes.openai_responses import FakeOpenAIResponses
from testkit.wiring import (
    ModelCallPolicy,
    client_with_provider,
    create_gpt_oss_provider,
    create_router_provider,
)
from tests.helpers.workflow_runs import (
    Outcome,
    activity_failure,
    model_call_attempts,
    run_on_router,
    run_to_end,
)

POLICY = ModelCallPolicy(max_attempts=2, initial_interval=timedelta(milliseconds=100))
PROMPT = "What's the weather in Tokyo?"
REPORT = WeatherReport(
    city="Tokyo",
    conditions="sunny",
    temperature=Temperature(value=21.5, unit="celsius"),
    haiku="Sun over Tokyo\nthe tool said the sky is clear\nwarm streets, bright and calm",
)


@dataclass
class SchemaPath:
    """One way a model call can go, and where its request carries the output schema."""

    model: str
    fake: Callable[[list[Route]], FakeHTTPServer]
    environment: Callable[[str], dict[str, str]]
    call_tool: Route
    answer: Callable[[str], Route]
    schema_in: Callable[[dict[str, Any]], dict[str, Any]]


PATHS = {
    # Ollama's native `/api/chat`: the schema as `format`.
    "native-ollama": SchemaPath(
        "ollama/gpt-oss:20b",
        FakeOllama,
        lambda url: {"OLLAMA_HOST": url},
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer,
        lambda body: body["format"],
    ),
    # An OpenAI-compatible `/v1/chat/completions` (the GPT-OSS worker's provider on
    # Ollama): `response_format` with a JSON schema.
    "openai-compatible": SchemaPath(
        "gpt-oss:20b",
        FakeOllamaOpenAI,
        lambda url: {"OLLAMA_HOST": url},
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer,
        lambda body: body["response_format"]["json_schema"]["schema"],
    ),
    # OpenAI's Responses API: `text.format`.
    "openai": SchemaPath(
        "openai/gpt-4.1",
        FakeOpenAIResponses,
        lambda url: {"OPENAI_BASE_URL": f"{url}/v1", "OPENAI_API_KEY": "sk-test"},
        openai_responses.call_tool("get_weather", city="Tokyo"),
        openai_responses.answer,
        lambda body: body["text"]["format"]["schema"],
    ),
    # LiteLLM, as the SDK calls it, here to Anthropic: its structured outputs,
    # `output_format`.
    "litellm": SchemaPath(
        "litellm/anthropic/claude-sonnet-4-5",
        FakeAnthropic,
        lambda url: {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-ant-test"},
        anthropic_messages.call_tool("get_weather", city="Tokyo"),
        anthropic_messages.answer,
        lambda body: body["output_format"]["schema"],
    ),
}


async def provider_for(model: str) -> ModelProvider:
    """The router for router names; the GPT-OSS sample's `/v1` provider for its bare name."""
    if "/" not in model:
        return await create_gpt_oss_provider(model, POLICY)
    return create_router_provider(POLICY)


@pytest.mark.parametrize("path_name", sorted(PATHS))
async def test_the_report_comes_back_typed_on_every_path(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, path_name: str
) -> None:
    path = PATHS[path_name]
    with path.fake([path.call_tool, path.answer(REPORT.model_dump_json())]) as server:
        for name, value in path.environment(server.url).items():
            monkeypatch.setenv(name, value)
        provider = await provider_for(path.model)
        outcome = await run_to_end(
            client_with_provider(env.client, provider, POLICY),
            StructuredOutputWorkflow,
            StructuredOutputWorkflow.run,
            [PROMPT, path.model],
        )
        await provider.aclose()

    answer = report_answer(outcome)
    assert answer.report == REPORT
    assert answer.models == [path.model, path.model]  # The tool call, the report.
    # The server was asked for the report's schema: it admits the report, and refuses a
    # report with a unit the type does not have.
    schema = path.schema_in(server.requests[-1].body)
    jsonschema.validate(REPORT.model_dump(), schema)
    wrong_unit = REPORT.model_dump() | {"temperature": {"value": 294.6, "unit": "kelvin"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong_unit, schema)


def report_answer(outcome: Outcome) -> ReportAnswer:
    """The run's result, which `Outcome` types as text."""
    assert outcome.failure is None, outcome.failure
    answer = cast(ReportAnswer, outcome.result)
    assert isinstance(answer, ReportAnswer)
    return answer


async def run_on_the_router(env: WorkflowEnvironment, model: str) -> Outcome:
    return await run_on_router(env, POLICY, StructuredOutputWorkflow, [PROMPT, model])


def model_ignoring_the_format(*answers: str) -> FakeOllama:
    """An Ollama whose model calls the tool, then answers `answers`, whatever the schema
    (as gpt-oss has on some Ollama versions)."""
    steps = [ollama_native.answer(text, follows_format=False) for text in answers]
    return FakeOllama([ollama_native.call_tool("get_weather", city="Tokyo"), *steps])


async def test_an_answer_outside_the_schema_is_retried_as_a_model_call(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    with model_ignoring_the_format("Sunny in Tokyo.", REPORT.model_dump_json()) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        outcome = await run_on_the_router(env, "ollama/gpt-oss:20b")

    assert report_answer(outcome).report == REPORT
    # The tool call once; the answer on the second attempt of its model call.
    assert model_call_attempts(outcome.history) == [1, 2]


async def test_answers_outside_the_schema_fail_the_run_in_one_line_after_the_last_attempt(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = '{"city": "Tokyo", "conditions": "sunny"}'
    with model_ignoring_the_format(wrong, wrong) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        outcome = await run_on_the_router(env, "ollama/gpt-oss:20b")

    assert outcome.failure is not None
    _activity, cause = activity_failure(outcome.failure)
    assert cause.type == "ModelOutputInvalid"
    assert "\n" not in cause.message
    assert cause.message.startswith(
        "model 'gpt-oss:20b' answered outside the WeatherReport schema ("
    )
    assert model_call_attempts(outcome.history) == [1, 2]
    assert outcome.workflow_task_failures() == 0  # Never a workflow task failing in a loop.


async def test_a_server_that_refuses_the_schema_says_so_at_once(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIResponses([openai_responses.schema_refused()]) as openai:
        monkeypatch.setenv("OPENAI_BASE_URL", f"{openai.url}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        outcome = await run_on_the_router(env, "openai/gpt-4.1")

    assert outcome.failure is not None
    _activity, cause = activity_failure(outcome.failure)
    assert cause.type == "StructuredOutputUnsupported"
    assert "it cannot answer model 'gpt-4.1' in a JSON schema" in cause.message
    assert len(openai.requests) == 1  # Not retried: the same schema is refused alike.
