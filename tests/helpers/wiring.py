"""The samples' wiring, for in-process workers: what each `run_*_worker.py` builds, with
the policy a test chooses. The scripts spell it out for readers; this is that wiring as
functions, so a test can build it with its own timeout and attempts."""

from __future__ import annotations

from agents import ModelProvider

from openai_agents.model_providers.providers.multi_provider import MultiModelProvider
from openai_agents.model_providers.run_gpt_oss_worker import gpt_oss_provider
from tests.helpers.policy import ModelCallPolicy


async def create_gpt_oss_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    """The GPT-OSS worker's default provider (Ollama's OpenAI-compatible API), checked."""
    return await gpt_oss_provider("openai-compatible", model, policy.request_timeout_seconds)


def create_litellm_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    """The LiteLLM worker's provider, checked for the model's credentials."""
    from openai_agents.model_providers.providers.litellm_provider import (
        bounded_litellm_provider,
        check_litellm_credentials,
    )

    check_litellm_credentials(model)
    return bounded_litellm_provider(policy.request_timeout_seconds)


def create_router_provider(
    policy: ModelCallPolicy, default_prefix: str = "ollama"
) -> MultiModelProvider:
    """The router worker's provider."""
    return MultiModelProvider(
        default_prefix=default_prefix, request_timeout_seconds=policy.request_timeout_seconds
    )
