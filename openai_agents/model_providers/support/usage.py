"""What a run used and cost, printed after its result: each model's calls and tokens, from the
workflow's answer, priced by `ModelCosts` (LiteLLM's offline cost map) here in the starter,
outside the workflow."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from openai_agents.model_providers import providers
from openai_agents.model_providers.providers.ollama_hosts import OLLAMA_CLOUD_HOST
from openai_agents.model_providers.support.model_costs import (
    OPENAI_API_HOST,
    ModelCosts,
    PricedUsage,
    is_local_url,
    url_host,
    usage_line,
)
from openai_agents.model_providers.workflows.answers import ModelUsage


def print_usage(
    usage: Iterable[ModelUsage], *, self_hosted: bool = False, file: TextIO | None = None
) -> None:
    """Print `usage` priced, one line per model (and a total). `self_hosted`: the models are
    served by a server of your own (the GPT-OSS sample's Ollama, the demo's bundled model),
    so they cost nothing per token, except Ollama's -cloud models and OLLAMA_HOST on Ollama
    Cloud."""
    print(usage_line(priced(usage, self_hosted=self_hosted)), file=file or sys.stdout)


def priced(usage: Iterable[ModelUsage], *, self_hosted: bool = False) -> list[PricedUsage]:
    records = list(usage)
    ollama_cloud = _ollama_host_may_be_cloud()
    own = [r.model for r in records if self_hosted and not r.model.endswith("-cloud")]
    openai_prefixes = ("openai/", "litellm/openai/")
    openai_url = os.environ.get("OPENAI_BASE_URL")
    # OpenAI's list prices hold on OpenAI's API; an OpenAI-compatible server on this machine
    # (llama.cpp, vLLM) costs nothing per token; any other server's prices are not known.
    local_openai = is_local_url(openai_url)
    openai_api = not openai_url or url_host(openai_url) == OPENAI_API_HOST
    return ModelCosts(
        local_models=() if ollama_cloud else own,
        local_prefixes=openai_prefixes if local_openai else (),
        unpriced_models=own if ollama_cloud else (),
        unpriced_prefixes=(
            (() if openai_api or local_openai else openai_prefixes)
            + (("ollama/", "litellm/ollama/") if ollama_cloud else ())
        ),
    ).priced(records)


def _ollama_host_may_be_cloud() -> bool:
    """Whether OLLAMA_HOST sends every Ollama model to Ollama Cloud, as the Ollama backends
    read it (providers/ollama_hosts.py); a setting they would refuse says nothing sure."""
    try:
        return providers.ollama_host() == OLLAMA_CLOUD_HOST
    except providers.ConfigurationError:
        return True
