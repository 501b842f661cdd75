"""What a run used and cost, printed after its result: each model's calls and tokens, from the
workflow's answer, priced by `ModelCosts` (LiteLLM's offline cost map) here in the starter,
outside the workflow."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from openai_agents.model_providers.support.model_costs import (
    ModelCosts,
    PricedUsage,
    is_local_url,
    usage_line,
)
from openai_agents.model_providers.workflows.answers import ModelUsage


def print_usage(
    usage: Iterable[ModelUsage], *, self_hosted: bool = False, file: TextIO | None = None
) -> None:
    """Print `usage` priced, one line per model (and a total). `self_hosted`: the models are
    served by a server of your own (the GPT-OSS sample's Ollama, the demo's bundled model),
    so they cost nothing per token, except Ollama's -cloud models."""
    print(usage_line(priced(usage, self_hosted=self_hosted)), file=file or sys.stdout)


def priced(usage: Iterable[ModelUsage], *, self_hosted: bool = False) -> list[PricedUsage]:
    records = list(usage)
    local_models = [r.model for r in records if self_hosted and not r.model.endswith("-cloud")]
    # An OpenAI-compatible server on this machine (llama.cpp, vLLM) costs nothing per token.
    local_openai = is_local_url(os.environ.get("OPENAI_BASE_URL"))
    local_prefixes = ("openai/", "litellm/openai/") if local_openai else ()
    return ModelCosts(local_models, local_prefixes).priced(records)
