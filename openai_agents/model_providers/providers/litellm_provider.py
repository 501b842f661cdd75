"""LiteLLM as a model provider: any LiteLLM model string through the Agents SDK's
`LitellmProvider`, each call bounded in time and not retried inside LiteLLM.

Worker-side only. Importing this module imports LiteLLM (several seconds and ~200 MB), so
import it only in processes that serve LiteLLM models. LiteLLM fetches its model cost map
from the network while it is imported unless `LITELLM_LOCAL_MODEL_COST_MAP=True` is set
first; the samples' workers set it when they start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import litellm
from agents import (
    AgentOutputSchemaBase,
    Handoff,
    Model,
    ModelProvider,
    ModelResponse,
    ModelSettings,
    ModelTracing,
    Tool,
    TResponseInputItem,
)
from agents.extensions.models.litellm_model import LitellmModel
from agents.extensions.models.litellm_provider import LitellmProvider
from agents.items import TResponseStreamEvent
from agents.models import get_default_model

from .actionable_errors import ActionableErrorsProvider
from .configuration import ConfigurationError
from .descriptions import ProviderDescription
from .model_names import check_litellm_model_name
from .redaction import without_credentials


class BoundedLitellmModel(LitellmModel):
    """A `LitellmModel` whose calls give up a little before the activity times out and
    never retry inside LiteLLM, so Temporal's retry policy is the only retry layer.

    The bounds travel as LiteLLM call arguments (`ModelSettings.extra_args`) added here, in
    the activity, so they never reach the workflow's history.
    """

    def __init__(self, model: str, request_timeout_seconds: float) -> None:
        super().__init__(model=model)
        self._bounds = ModelSettings(
            extra_args={"timeout": request_timeout_seconds, "num_retries": 0}
        )

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> ModelResponse:
        return await super().get_response(
            system_instructions,
            input,
            model_settings.resolve(self._bounds),
            tools,
            output_schema,
            handoffs,
            tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=prompt,
        )

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        async for event in super().stream_response(
            system_instructions,
            input,
            model_settings.resolve(self._bounds),
            tools,
            output_schema,
            handoffs,
            tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=prompt,
        ):
            yield event


class BoundedLitellmProvider(LitellmProvider):
    """`LitellmProvider`, with every model call bounded in time and not retried by LiteLLM."""

    def __init__(self, request_timeout_seconds: float) -> None:
        self._request_timeout_seconds = request_timeout_seconds

    def get_model(self, model_name: str | None) -> Model:
        return BoundedLitellmModel(model_name or get_default_model(), self._request_timeout_seconds)


def litellm_provider_name(model: str) -> str:
    """The LiteLLM provider behind a model string, e.g. "anthropic"."""
    try:
        _model, provider, _key, _base = litellm.get_llm_provider(model)
    except Exception as error:
        raise ConfigurationError(
            f"{model!r} is not a LiteLLM model string: use provider/model, "
            "e.g. anthropic/claude-sonnet-4-5 (see https://docs.litellm.ai/docs/providers)"
        ) from error
    return str(provider)


def check_litellm_credentials(model: str) -> None:
    """Fail fast, at worker start, when the model's provider has no API key configured."""
    provider = litellm_provider_name(model)
    missing = litellm.validate_environment(model).get("missing_keys") or []
    if missing:
        raise ConfigurationError(
            f"{model} needs {' and '.join(missing)} for {provider}: export "
            f"{missing[0]}=... before starting the worker, or choose another model with --model"
        )


def describe_litellm(model_name: str | None) -> ProviderDescription:
    model = model_name or get_default_model()
    try:
        provider = litellm_provider_name(model)
    except ConfigurationError:
        provider = "litellm"  # LiteLLM itself will say what is wrong with the name.
    prefix = provider.upper()
    # The order LiteLLM itself reads them in.
    base_url = os.environ.get(f"{prefix}_API_BASE") or os.environ.get(f"{prefix}_BASE_URL")
    return ProviderDescription(
        name=f"{provider} (via LiteLLM)",
        location=without_credentials(base_url) if base_url else f"{provider}'s default endpoint",
        start_hint=f"check your network, or {prefix}_API_BASE / {prefix}_BASE_URL if you set one",
        missing_model_hint=(
            "name a current model with --model (see https://docs.litellm.ai/docs/providers)"
        ),
        credentials_hint=f"check {prefix}_API_KEY",
    )


# LiteLLM's loggers: their records go to stdout through a handler of LiteLLM's own, below
# WARNING, so at INFO (the workers' level, and pytest's) every call prints
# "LiteLLM completion() model= ..." into the output of whatever process runs the worker.
_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")


def quiet_litellm_logs() -> None:
    """Keep LiteLLM's logs to warnings and errors, unless LITELLM_LOG asks for more."""
    if os.environ.get("LITELLM_LOG"):
        return
    for name in _LITELLM_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


async def checked_litellm_provider(model: str, *, request_timeout_seconds: float) -> ModelProvider:
    """LiteLLM for any model string, checked at start: `model` is a LiteLLM model string
    and its provider's key is set (else a `ConfigurationError` that says what to do)."""
    check_litellm_model_name(model)
    check_litellm_credentials(model)
    return bounded_litellm_provider(request_timeout_seconds)


def bounded_litellm_provider(request_timeout_seconds: float) -> ModelProvider:
    """LiteLLM with bounded calls and actionable errors, for any LiteLLM model string."""
    # No "Provider List: …" / "Give Feedback" banners on every error: the wrapper reports
    # each failure in one line instead.
    litellm.suppress_debug_info = True
    quiet_litellm_logs()
    return ActionableErrorsProvider(
        BoundedLitellmProvider(request_timeout_seconds), describe_litellm, request_timeout_seconds
    )
