"""Ollama's native API (`/api/chat`) as a model provider: `OllamaModelProvider` serves local
and Ollama Cloud models by name, each an `OllamaModel`.

    from providers.ollama_native import OllamaModel, OllamaModelProvider

Modules: `provider.py` (the provider, its models and their transport), `converter.py` (the
Agents SDK's types to Ollama's and back), `stream.py` (streamed chunks as the SDK's events),
`spans.py` (each call's `generation_span`, as the SDK's own models make theirs).

Importing this package imports the `ollama` client library, which builds its default client
from OLLAMA_HOST as it is imported and fails with a long traceback on a malformed value.
OLLAMA_HOST is checked here first, before any module of this package imports `ollama`
(Python runs this file before any of them), so that it fails with one `ConfigurationError`
that says how to set it instead.
"""

from ..ollama_hosts import ollama_host

ollama_host()

from .provider import OllamaModel, OllamaModelProvider  # noqa: E402 - only now: see above.

__all__ = ["OllamaModel", "OllamaModelProvider"]
