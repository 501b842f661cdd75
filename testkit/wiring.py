"""The samples' wiring for in-process workers, for the tests and the benchmark: a model
activity's timeout and attempts as the workers' flags set them, the plugin and worker built
from them, and each worker's provider, built and checked as the worker builds it. The
scripts spell the wiring out for readers; this is it as functions, with the policy a test
chooses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from agents import ModelProvider, OpenAIProvider
from agents.mcp import MCPServer
from openai import AsyncOpenAI
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.providers import (
    DEFAULT_MAX_TOKENS,
    ActionableErrorsProvider,
    MultiModelProvider,
    check_openai_compatible_model,
    describe_ollama,
    ollama_host,
    request_timeout_under,
)
from openai_agents.model_providers.support.arguments import (
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
    """The GPT-OSS worker's provider (Ollama's OpenAI-compatible API), checked, for the
    server at `host`, else OLLAMA_HOST's. Its inner provider is the SDK's `OpenAIProvider`
    on Chat Completions, which serves every name as the worker's own class does
    (`OpenAIChatCompletionsModel` on the one client): only tests and the demo import a
    worker script."""
    host = ollama_host() if host is None else host
    timeout = policy.request_timeout_seconds
    client = AsyncOpenAI(base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=timeout)
    ollama = describe_ollama(host)
    try:
        await check_openai_compatible_model(client, model, ollama, timeout)
    except BaseException:
        await client.close()
        raise
    return ActionableErrorsProvider(
        _ClosingItsClient(client),
        lambda _model: ollama,
        timeout,
        max_tokens=policy.max_tokens,
    )


class _ClosingItsClient(OpenAIProvider):
    """The SDK's provider on Chat Completions that closes the client it was given (the
    SDK's own leaves a given client open)."""

    def __init__(self, client: AsyncOpenAI) -> None:
        super().__init__(openai_client=client, use_responses=False)
        self._given = client

    async def aclose(self) -> None:
        await self._given.close()


async def create_litellm_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    """The LiteLLM worker's provider, checked for the model's credentials."""
    from agents.extensions.models.litellm_provider import LitellmProvider

    from openai_agents.model_providers.providers import litellm_checks

    litellm_checks.check_litellm_model(model)
    litellm_checks.quiet_litellm()
    timeout = policy.request_timeout_seconds
    return ActionableErrorsProvider(
        LitellmProvider(),
        litellm_checks.describe_litellm,
        timeout,
        max_tokens=policy.max_tokens,
        settings=litellm_checks.litellm_call_bounds(timeout),
        own_failure=litellm_checks.missing_key_named,
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
