"""`import ollama`, once OLLAMA_HOST has been checked.

The `ollama` package builds a default client from OLLAMA_HOST while it is being
imported, and a malformed value makes that import fail with a bare `ValueError`. The
check first turns it into the actionable `ConfigurationError` the scripts report.
"""

from openai_agents.model_providers.ollama_hosts import ollama_host

ollama_host()

import ollama  # noqa: E402 - deliberately after the check above.

__all__ = ["ollama"]
