"""Every way a sample reaches a model, as one parameter for the failure tests: which
workflow, which model name, which fake server, and the worker's real provider for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pytest
from agents import ModelProvider

from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from testkit.fakes import anthropic_messages, ollama_native, ollama_openai
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import FakeHTTPServer, Route
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.wiring import ModelCallPolicy, create_gpt_oss_provider

ANTHROPIC_TEST_KEY = "sk-ant-test-key"


class Steps(Protocol):
    """What each fake module offers to script a model, whatever its wire format."""

    def call_tool(self, name: str, **arguments: Any) -> Route: ...
    def answer_quoting_tool_result(self) -> Route: ...
    def rate_limited(self, retry_after_seconds: int) -> Route: ...
    def server_error(self) -> Route: ...
    def hang(self, seconds: float) -> Route: ...
    def runaway(self) -> Route: ...
    def context_too_long(self) -> Route: ...
    def broken_reply(self) -> Route: ...


@dataclass(frozen=True)
class ModelPath:
    id: str
    workflow: type[GptOssWorkflow] | type[LitellmAutoWorkflow] | type[MultiProviderWorkflow]
    model: str
    describe: Callable[[str], str]
    """How error messages name the server at a URL, e.g. "Ollama at http://..."."""
    steps: Steps
    serve: Callable[[list[Route], int], FakeHTTPServer]
    """A fake server on the given port (0: any) that answers with the steps."""
    model_call_path: str
    make_provider: Callable[[str, ModelCallPolicy, pytest.MonkeyPatch], Awaitable[ModelProvider]]
    """The worker's provider for the fake at a URL; the fake must be up while it is made."""

    def model_calls(self, server: FakeHTTPServer) -> int:
        return len(server.requests_to(self.model_call_path))


async def _ollama_openai_provider(
    url: str, policy: ModelCallPolicy, monkeypatch: pytest.MonkeyPatch
) -> ModelProvider:
    monkeypatch.setenv("OLLAMA_HOST", url)
    return await create_gpt_oss_provider("gpt-oss:20b", policy)


async def _ollama_native_provider(
    url: str, policy: ModelCallPolicy, monkeypatch: pytest.MonkeyPatch
) -> ModelProvider:
    from openai_agents.model_providers.providers.ollama_native.provider import OllamaModelProvider

    monkeypatch.setenv("OLLAMA_HOST", url)
    return OllamaModelProvider(
        request_timeout_seconds=policy.request_timeout_seconds, max_tokens=policy.max_tokens
    )


async def _litellm_provider(
    url: str, policy: ModelCallPolicy, monkeypatch: pytest.MonkeyPatch
) -> ModelProvider:
    from testkit.wiring import create_litellm_provider

    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_TEST_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    return await create_litellm_provider(LITELLM_MODEL, policy)


async def _router_provider(
    url: str, policy: ModelCallPolicy, monkeypatch: pytest.MonkeyPatch
) -> ModelProvider:
    from testkit.wiring import create_router_provider

    monkeypatch.setenv("OLLAMA_HOST", url)
    return create_router_provider(policy)


LITELLM_MODEL = "anthropic/claude-sonnet-4-5"

MODEL_PATHS = [
    ModelPath(
        "ollama-openai-compatible",
        GptOssWorkflow,
        "gpt-oss:20b",
        lambda url: f"Ollama at {url}",
        ollama_openai,
        lambda steps, port: FakeOllamaOpenAI(steps, port=port),
        "/v1/chat/completions",
        _ollama_openai_provider,
    ),
    ModelPath(
        "ollama-native",
        GptOssWorkflow,
        "gpt-oss:20b",
        lambda url: f"Ollama at {url}",
        ollama_native,
        lambda steps, port: FakeOllama(steps, port=port),
        "/api/chat",
        _ollama_native_provider,
    ),
    ModelPath(
        "litellm",
        LitellmAutoWorkflow,
        LITELLM_MODEL,
        lambda url: f"anthropic (via LiteLLM) at {url}",
        anthropic_messages,
        lambda steps, port: FakeAnthropic(steps, port=port),
        "/v1/messages",
        _litellm_provider,
    ),
    ModelPath(
        "router",
        MultiProviderWorkflow,
        "ollama/gpt-oss:20b",
        lambda url: f"Ollama at {url}",
        ollama_native,
        lambda steps, port: FakeOllama(steps, port=port),
        "/api/chat",
        _router_provider,
    ),
]


def every_model_path() -> pytest.MarkDecorator:
    """`@every_model_path()`: run a test once per path, named by its id."""
    return pytest.mark.parametrize("path", MODEL_PATHS, ids=[p.id for p in MODEL_PATHS])
