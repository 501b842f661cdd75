"""The samples' wiring for in-process workers, for the tests and the benchmark: a model
activity's timeout and attempts as the workers' flags set them, the plugin and worker built
from them, and each worker's provider, built by the same checked factory the worker calls.
The scripts spell the wiring out for readers; this is it as functions, with the policy a
test chooses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from agents import ModelProvider
from agents.mcp import MCPServer
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.providers import (
    DEFAULT_MAX_TOKENS,
    MultiModelProvider,
    checked_litellm_provider,
    checked_ollama_chat_completions_provider,
    request_timeout_under,
)
from openai_agents.model_providers.support.cli import (
    DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MODEL_CALL_TIMEOUT_SECONDS,
)
from openai_agents.model_providers.workflows.shared import MODEL_EVENTS_TOPIC, TASK_QUEUE


@dataclass(frozen=True)
class ModelCallPolicy:
    """A model activity's timeout and attempts, as the workers' --timeout and
    --max-attempts set them (the same defaults)."""

    timeout: timedelta = timedelta(seconds=DEFAULT_MODEL_CALL_TIMEOUT_SECONDS)
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    initial_interval: timedelta = timedelta(seconds=1)
    """The first retry's backoff (Temporal's default, which the workers keep). Tests about
    what fails and how often, not how long Temporal waits, shorten it: on a real server
    the waits are real."""
    heartbeat_timeout: timedelta = timedelta(seconds=DEFAULT_HEARTBEAT_TIMEOUT_SECONDS)
    max_tokens: int = DEFAULT_MAX_TOKENS

    @property
    def request_timeout_seconds(self) -> float:
        return request_timeout_under(self.timeout)

    def activity_parameters(self) -> ModelActivityParameters:
        return ModelActivityParameters(
            start_to_close_timeout=self.timeout,
            heartbeat_timeout=self.heartbeat_timeout,
            # As on the router worker, so the streaming sample runs on every test worker.
            streaming_topic=MODEL_EVENTS_TOPIC,
            retry_policy=RetryPolicy(
                initial_interval=self.initial_interval,
                maximum_attempts=self.max_attempts,
                maximum_interval=timedelta(seconds=30),
            ),
        )


def agents_plugin(
    provider: ModelProvider,
    policy: ModelCallPolicy,
    mcp_servers: Mapping[str, Callable[[], MCPServer]] | None = None,
) -> OpenAIAgentsPlugin:
    return OpenAIAgentsPlugin(
        model_params=policy.activity_parameters(),
        model_provider=provider,
        mcp_servers=mcp_servers,
    )


def client_with_provider(
    base: Client,
    provider: ModelProvider,
    policy: ModelCallPolicy,
    mcp_servers: Mapping[str, Callable[[], MCPServer]] | None = None,
) -> Client:
    """`base`'s connection with the Agents plugin serving `provider` under `policy` (and the
    MCP servers, if given): the client a worker's `Client.connect(...,
    plugins=[OpenAIAgentsPlugin(...)])` gives it."""
    config = base.config()
    config["plugins"] = [agents_plugin(provider, policy, mcp_servers)]
    return Client(**config)


def build_worker(client: Client, workflows: Sequence[type], task_queue: str = TASK_QUEUE) -> Worker:
    # The plugin on `client` adds the model activities and the Agents SDK's data converter.
    # `debug_mode` turns off the deadlock detector, whose 2 s limit on one workflow activation
    # is wall-clock time a busy test machine exceeds. It also runs activations on the event
    # loop instead of a thread; the sandbox's restrictions stay. Workers of the samples keep it.
    return Worker(client, task_queue=task_queue, workflows=workflows, debug_mode=True)


async def create_gpt_oss_provider(
    model: str, policy: ModelCallPolicy, host: str | None = None
) -> ModelProvider:
    """The GPT-OSS worker's default provider (Ollama's OpenAI-compatible API), checked;
    for the server at `host`, else OLLAMA_HOST's."""
    return await checked_ollama_chat_completions_provider(
        model,
        request_timeout_seconds=policy.request_timeout_seconds,
        max_tokens=policy.max_tokens,
        host=host,
    )


async def create_litellm_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    """The LiteLLM worker's provider, checked for the model's credentials."""
    return await checked_litellm_provider(
        model, request_timeout_seconds=policy.request_timeout_seconds, max_tokens=policy.max_tokens
    )


def create_router_provider(
    policy: ModelCallPolicy, default_prefix: str = "ollama"
) -> MultiModelProvider:
    """The router worker's provider (unchecked: no --check-model)."""
    return MultiModelProvider(
        default_prefix=default_prefix,
        request_timeout_seconds=policy.request_timeout_seconds,
        max_tokens=policy.max_tokens,
    )
