"""The environment a production worker sets before its libraries read it. Each is a
default: a value already set wins."""

from __future__ import annotations

import os


def no_traces_to_openai_and_litellm_offline() -> None:
    """Call before the plugin is created and LiteLLM is imported. Traces still go to an
    OTLP endpoint if OTEL_EXPORTER_OTLP_ENDPOINT names one (`tracing.from_environment()`)."""
    # The Agents SDK would export every run's traces to OpenAI. `set_tracing_disabled()` is
    # undone by the plugin's own trace provider, which reads this variable (=0 opts back in).
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    # Else LiteLLM fetches its model cost map from the network while it is imported, and
    # (offline mode) other catalogs at call time, e.g. Anthropic's beta headers for a typed
    # answer: a blocking request of up to 5 s on the worker's event loop.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
