"""What a worker serving LiteLLM models through the Agents SDK's `LitellmProvider` adds to
it: the start-up check of a model's key (`check_litellm_model`), how LiteLLM's failures
are described (`describe_litellm`) and the missing-key hook (`missing_key_named`) for
`ActionableErrorsProvider`, each call's bounds (`litellm_call_bounds`), and quiet logs.

Worker-side only. Importing this module imports LiteLLM (several seconds and ~200 MB), so
import it only in processes that serve LiteLLM models. LiteLLM fetches its model cost map
from the network while it is imported unless `LITELLM_LOCAL_MODEL_COST_MAP=True` is set
first (the samples' workers set it: `support/logs.py`).
"""

from __future__ import annotations

import logging
import os

import litellm
from agents import ModelSettings
from agents.models import get_default_model
from temporalio.exceptions import ApplicationError

from .errors.classification import ProviderDescription, without_credentials
from .errors.types import ConfigurationError, FailureType
from .router.names import check_litellm_model_name


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


def missing_litellm_keys(model: str) -> list[str]:
    """The variables LiteLLM expects for `model`'s provider that are not set."""
    try:
        return list(litellm.validate_environment(model).get("missing_keys") or [])
    except Exception:  # A name LiteLLM cannot place: its own call says what is wrong.
        return []


def check_litellm_credentials(model: str) -> None:
    """Fail fast, at worker start, when the model's provider has no API key configured."""
    provider = litellm_provider_name(model)
    missing = missing_litellm_keys(model)
    if missing:
        raise ConfigurationError(
            f"{model} needs {' and '.join(missing)} for {provider}: export "
            f"{missing[0]}=... before starting the worker, or choose another model"
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


def check_litellm_model(model: str) -> None:
    """Fail fast, at worker start, when `model` is not a LiteLLM model string or its
    provider has no API key configured."""
    check_litellm_model_name(model)
    check_litellm_credentials(model)


def litellm_call_bounds(request_timeout_seconds: float) -> ModelSettings:
    """Each LiteLLM call gives up a little before the activity times out and is never
    retried inside LiteLLM, so Temporal's retry policy is the only retry layer. Given to
    `ActionableErrorsProvider(settings=...)`, which adds them in the activity
    (`ModelSettings.extra_args`), so they never reach the workflow's history."""
    return ModelSettings(extra_args={"timeout": request_timeout_seconds, "num_retries": 0})


def quiet_litellm() -> None:
    """No "Provider List: …" / "Give Feedback" banners on every error (the wrapper reports
    each failure in one line instead), and LiteLLM's logs kept to warnings and errors
    unless LITELLM_LOG asks for more."""
    litellm.suppress_debug_info = True
    if os.environ.get("LITELLM_LOG"):
        return
    for name in _LITELLM_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def missing_key_named(
    error: Exception, model_name: str | None, _provider: ProviderDescription
) -> ApplicationError | None:
    """A failure for lack of the provider's key, naming the key (the wrapper's hook). LiteLLM
    reports some missing keys (OpenAI's) as an HTTP 500, which Temporal would retry in vain;
    this fails the call for good, saying what to export. Checked only after a failure: a
    provider authenticated otherwise (an IAM role, a profile) still works where LiteLLM's
    list of expected variables is incomplete."""
    # Only a failure about a key: LiteLLM's list of expected variables is also non-empty
    # for providers authenticated otherwise (Bedrock, Vertex AI), whose other failures
    # (429, 5xx, a long prompt) must keep their own classification.
    about_a_key = isinstance(error, litellm.exceptions.AuthenticationError) or (
        "api_key" in str(error).lower()
    )
    model = model_name or get_default_model()
    missing = missing_litellm_keys(model) if about_a_key else []
    if not missing:
        return None
    return ApplicationError(
        f"{model} needs {' and '.join(missing)}: export {missing[0]}=... "
        "where the worker runs, or choose another model",
        type=FailureType.ProviderAuthenticationFailed,
        non_retryable=True,
    )
