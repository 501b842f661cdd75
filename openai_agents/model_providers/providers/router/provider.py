"""`MultiModelProvider`: one provider that routes each model name by its prefix.

    ollama/gpt-oss:20b              -> OllamaModelProvider ("gpt-oss:20b"; `-cloud` names
                                       go to Ollama Cloud)
    litellm/anthropic/claude-...    -> LiteLLM ("anthropic/claude-...")
    openai/gpt-4.1                  -> OpenAI ("gpt-4.1")
    gpt-4.1 (no prefix)             -> the default prefix's provider (OpenAI unless set)
    hf.co/org/model:Q4              -> the default prefix's provider, the whole name (a
                                       registry path: its first segment is a host)
    anthropic/claude-...            -> error: unknown prefix (use litellm/anthropic/...)

The name splits at its first `/`; the rest passes through untouched, so
`ollama/hf.co/org/model:Q4` reaches Ollama as `hf.co/org/model:Q4`. A first segment that
is not a known prefix but a host (has a dot, is `localhost` or `host:port`) makes the name
a registry path, which Ollama pulls from that host: with `default_prefix="ollama"` it
reaches Ollama untouched, as it would the GPT-OSS worker. `names.split_model_name`
holds the rule, shared with the starters' name check. Providers in `provider_map` win
over the built-ins, even a mapped prefix that looks like a host. Built-ins are created on
first use: a worker that never routes to LiteLLM never imports it, and the one that does
imports it in a thread, as its first call starts (see `_BuiltOnFirstCall`).

The map is the Agents SDK's own `MultiProviderMap`. The router is not a subclass of the
SDK's `MultiProvider`, whose routing differs at every step it would keep: bare names always
go to OpenAI (here: to `default_prefix`, and registry paths stay whole), there is no
`ollama/`, its built-in OpenAI and LiteLLM clients retry by themselves and wait up to 600 s
(here: no client retries, a timeout under the activity's, failures classified), an unknown
prefix is a `UserError` that Temporal retries (here: one final line naming the known
prefixes), and its `aclose()` closes the providers it was given (here: they stay yours).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from agents import Model, ModelProvider, ModelResponse, OpenAIProvider, UserError
from agents.items import TResponseStreamEvent
from agents.models.multi_provider import MultiProviderMap
from openai import AsyncOpenAI
from temporalio.exceptions import ApplicationError

from ..errors.classification import ProviderDescription, without_credentials
from ..errors.types import ConfigurationError, FailureType
from ..errors.wrapper import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    ActionableErrorsProvider,
)
from ..ollama_hosts import ollama_host
from .names import (
    BUILT_IN_PREFIXES,
    check_routable_model_name,
    split_model_name,
    unknown_prefix_message,
)


class MultiModelProviderMap(MultiProviderMap):
    """Prefix -> ModelProvider: the Agents SDK's own map (`timestep`'s methods, the same
    names), except that `set_mapping` keeps a copy (later changes to the caller's dict must
    not reroute a running worker) and removing a prefix that is not mapped is no error."""

    def __init__(self) -> None:  # Typed here: the SDK's own `__init__` is not.
        super().__init__()  # type: ignore[no-untyped-call]

    def set_mapping(self, mapping: Mapping[str, ModelProvider]) -> None:
        super().set_mapping(dict(mapping))

    def remove_provider(self, prefix: str) -> None:
        """Remove `prefix`, if mapped (as in `timestep`; the SDK's raises `KeyError`)."""
        if self.has_prefix(prefix):
            super().remove_provider(prefix)


class MultiModelProvider(ModelProvider):
    """Routes model names to providers by prefix (see the module docstring).

    The first seven arguments are `timestep`'s, so its examples work unchanged. The
    keyword-only ones are additions:

    Args:
        default_prefix: where names without a prefix go ("openai", as in timestep).
        ollama_api_key, ollama_base_url: for the built-in Ollama provider; by default
            OLLAMA_API_KEY and OLLAMA_HOST.
        request_timeout_seconds: each model call's timeout, for every built-in provider,
            with the clients' own retries off so Temporal's retry policy is the only one.
            Keep it under the model activity's start-to-close timeout.
        max_tokens: the cap on every reply, for every built-in provider; a reply that
            reaches it fails at once (`ModelOutputTruncated`).

    Keys given here (`openai_api_key`, `ollama_api_key`) or inside `openai_client` are
    masked, like secret-named environment variables, wherever a provider's error quotes
    them: in the failure Temporal records and in the worker's log.

    Ownership: `aclose()` closes what this router built (the built-in providers and the
    OpenAI client it created). What it was given stays the caller's to close:
    `openai_client`, and the providers in `provider_map`, which the caller may share with
    other routers or use after this one is closed.
    """

    def __init__(
        self,
        provider_map: MultiProviderMap | None = None,
        openai_api_key: str | None = None,
        openai_base_url: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        openai_organization: str | None = None,
        openai_project: str | None = None,
        openai_use_responses: bool | None = None,
        *,
        default_prefix: str = "openai",
        ollama_api_key: str | None = None,
        ollama_base_url: str | None = None,
        request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
        max_tokens: int | None = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.provider_map = provider_map
        self._openai_api_key = openai_api_key
        self._openai_base_url = openai_base_url
        self._openai_client = openai_client
        self._openai_organization = openai_organization
        self._openai_project = openai_project
        self._openai_use_responses = openai_use_responses
        self._ollama_api_key = ollama_api_key
        self._ollama_base_url = ollama_base_url
        self._request_timeout_seconds = request_timeout_seconds
        self._max_tokens = max_tokens
        self._built_in: dict[str, ModelProvider] = {}
        self._building_litellm = threading.Lock()  # Built in a thread: see `get_model`.
        self._built_openai_client: AsyncOpenAI | None = None
        """The OpenAI client this router created, if any: it closes it in `aclose()`."""
        self.default_prefix = default_prefix
        if default_prefix not in self.known_prefixes():
            known = ", ".join(self.known_prefixes())
            raise UserError(f"default_prefix {default_prefix!r} is not one of: {known}")

    def known_prefixes(self) -> list[str]:
        mapped = list(self.provider_map.get_mapping()) if self.provider_map else []
        return [*mapped, *(p for p in BUILT_IN_PREFIXES if p not in mapped)]

    def get_model(self, model_name: str | None) -> Model:
        prefix, rest = (
            (self.default_prefix, None) if model_name is None else self._route(model_name)
        )
        if prefix == "litellm" and prefix not in self._built_in and not self._mapped(prefix):
            return _BuiltOnFirstCall(lambda: self._built_in_litellm(model_name).get_model(rest))
        return self._provider(prefix, model_name).get_model(rest)

    def _route(self, model_name: str) -> tuple[str, str]:
        """The prefix `model_name` routes by (the default where it names none), and the name
        that prefix's provider gets."""
        # The router's own prefixes, mapped ones included: a prefix you mapped wins even
        # where it looks like a registry host (see `split_model_name`).
        prefix, rest = split_model_name(model_name, self.known_prefixes())
        return (self.default_prefix, model_name) if prefix is None else (prefix, rest)

    def _built_in_litellm(self, model_name: str | None) -> ModelProvider:
        """The LiteLLM provider, built once however many first calls build it at once (in
        their threads). Only they take the lock: the event loop never waits on it."""
        with self._building_litellm:
            return self._provider("litellm", model_name)

    def _mapped(self, prefix: str) -> bool:
        return self.provider_map is not None and self.provider_map.has_prefix(prefix)

    def _provider(self, prefix: str, model_name: str | None) -> ModelProvider:
        mapped = self.provider_map.get_provider(prefix) if self.provider_map else None
        if mapped is not None:
            return mapped
        if prefix not in BUILT_IN_PREFIXES:
            # Raised inside the model activity: non-retryable, as no retry can fix a name.
            raise ApplicationError(
                unknown_prefix_message(model_name or prefix, self.known_prefixes()),
                type=FailureType.UnknownModelPrefix,
                non_retryable=True,
            )
        if prefix not in self._built_in:
            self._built_in[prefix] = self._create_built_in(prefix, model_name)
        return self._built_in[prefix]

    def _create_built_in(self, prefix: str, model_name: str | None) -> ModelProvider:
        timeout = self._request_timeout_seconds
        # Each backend's module is imported on first use: a worker that never routes to
        # LiteLLM never pays its seconds and ~200 MB of import, and one that never routes
        # to Ollama never imports `ollama`.
        if prefix == "ollama":
            try:
                from ..ollama_native import OllamaModelProvider

                return OllamaModelProvider(
                    api_key=self._ollama_api_key,
                    base_url=self._ollama_base_url,
                    request_timeout_seconds=timeout,
                    max_tokens=self._max_tokens,
                )
            except ConfigurationError as error:  # A malformed OLLAMA_HOST or base URL.
                # Raised inside the model activity: non-retryable, as no retry can fix it.
                raise ApplicationError(
                    str(error), type=FailureType.ConfigurationError, non_retryable=True
                ) from None
        if prefix == "litellm":
            from agents.extensions.models.litellm_provider import LitellmProvider

            from ..litellm_checks import (
                describe_litellm,
                litellm_call_bounds,
                missing_key_named,
                quiet_litellm,
            )

            quiet_litellm()
            return ActionableErrorsProvider(
                LitellmProvider(),
                describe_litellm,
                timeout,
                max_tokens=self._max_tokens,
                settings=litellm_call_bounds(timeout),
                own_failure=missing_key_named,
            )
        return self._create_openai(model_name)

    def _create_openai(self, model_name: str | None) -> ModelProvider:
        client = self._openai_client
        if client is None:
            api_key = self._openai_api_key or os.environ.get("OPENAI_API_KEY")
            if not api_key:
                others = " or ".join(f"{p}/" for p in self.known_prefixes() if p != "openai")
                raise ApplicationError(
                    f"model '{model_name}' routes to OpenAI, which needs OPENAI_API_KEY: "
                    f"export it before starting the worker, or choose an {others} model",
                    type=FailureType.ProviderAuthenticationFailed,
                    non_retryable=True,
                )
            client = AsyncOpenAI(
                api_key=api_key,
                base_url=self._openai_base_url or os.environ.get("OPENAI_BASE_URL"),
                organization=self._openai_organization,
                project=self._openai_project,
                max_retries=0,
                timeout=self._request_timeout_seconds,
            )
            self._built_openai_client = client
        return ActionableErrorsProvider(
            # The SDK's OpenAIProvider never closes its client (it may be shared), so
            # `aclose()` closes the one built above itself.
            OpenAIProvider(openai_client=client, use_responses=self._openai_use_responses),
            # Described at failure time: the client's key may have been refreshed since.
            lambda _model_name: _describe_openai(client),
            self._request_timeout_seconds,
            max_tokens=self._max_tokens,
        )

    async def check_model_ready(self, model_name: str) -> None:
        """Fail fast, at worker start, when the built-in backend `model_name` routes to
        cannot serve it: Ollama down or without the model, a provider's key missing.
        Raises `ConfigurationError`. (A provider you mapped is yours to check.)"""
        check_routable_model_name(model_name, self.known_prefixes())
        prefix, rest = self._route(model_name)
        try:
            provider = self._provider(prefix, model_name)
        except ApplicationError as error:  # No key, or a malformed host.
            raise ConfigurationError(error.message) from error
        if provider is not self._built_in.get(prefix):
            return
        if prefix == "ollama":
            from ..ollama_native import OllamaModelProvider

            assert isinstance(provider, OllamaModelProvider)
            await provider.check_model_available(rest)
        elif prefix == "litellm":
            from ..litellm_checks import check_litellm_credentials

            check_litellm_credentials(rest)

    async def context_window(self, model_name: str) -> int | None:
        """The context window, in tokens, of the model `model_name` routes to, where its
        backend says (Ollama's `/api/show`); None elsewhere."""
        prefix, rest = self._route(model_name)
        if prefix != "ollama" or self._mapped(prefix):
            return None
        from ..ollama_native import OllamaModelProvider

        provider = self._provider(prefix, model_name)
        assert isinstance(provider, OllamaModelProvider)
        return await provider.context_window(rest)

    async def aclose(self) -> None:
        """Close the built-in providers and the OpenAI client this router created; leave
        `openai_client` and the providers in `provider_map` to the caller."""
        built, self._built_in = list(self._built_in.values()), {}
        client, self._built_openai_client = self._built_openai_client, None
        for provider in built:
            await provider.aclose()
        if client is not None:
            await client.close()


class _BuiltOnFirstCall(Model):
    """A model built in a thread when its first call starts, then called.

    Importing LiteLLM takes seconds (3 s on 2 cores). Imported on the worker's event loop,
    as `get_model` would, it would stall every workflow task, activity and heartbeat on
    that worker meanwhile: long enough to miss a short heartbeat timeout and have the call
    retried elsewhere. `get_model` is synchronous; the calls are not.
    """

    def __init__(self, build: Callable[[], Model]) -> None:
        self._build = build

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        model = await asyncio.to_thread(self._build)
        return await model.get_response(*args, **kwargs)

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        model = await asyncio.to_thread(self._build)
        async for event in model.stream_response(*args, **kwargs):
            yield event


def _describe_openai(client: AsyncOpenAI) -> ProviderDescription:
    return ProviderDescription(
        name="OpenAI",
        location=without_credentials(str(client.base_url).rstrip("/")),
        start_hint="check your network, or OPENAI_BASE_URL if you set one",
        missing_model_hint="name a model your key can use, e.g. --model openai/gpt-4.1",
        credentials_hint="check OPENAI_API_KEY",
        # `api_key` is public: a given client's key is masked as surely as one given here.
        secrets=(client.api_key,),
    )


async def check_models_ready(router: MultiModelProvider, models: Sequence[str] = ()) -> None:
    """Fail fast, at worker start, with a `ConfigurationError` that says what to do: when
    OLLAMA_HOST is malformed (else found only at the first Ollama call), or when the backend
    one of `models` routes to cannot serve it (down, without the model, without a key)."""
    ollama_host()
    for model in models:
        await router.check_model_ready(model)
