"""Model providers for Agents SDK agents in Temporal workers: a native Ollama provider
and a prefix router. Worker-side only; workflows name models as plain strings.

The public names and constructor arguments are those of the `timestep` package, so its
examples work by changing only the import.
"""

from openai_agents.model_providers.providers.multi_provider import (
    MultiModelProvider,
    MultiModelProviderMap,
)
from openai_agents.model_providers.providers.ollama_model import OllamaModel
from openai_agents.model_providers.providers.ollama_provider import OllamaModelProvider

__all__ = ["MultiModelProvider", "MultiModelProviderMap", "OllamaModel", "OllamaModelProvider"]
