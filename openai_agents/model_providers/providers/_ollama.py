"""The `ollama` client library, imported once OLLAMA_HOST is known to be well formed.

Importing `ollama` builds its default client from OLLAMA_HOST, and a malformed value fails
that import with a long traceback. Every module here imports `ollama` from this one, so
whichever imports it first (a worker's provider, or the router at its first Ollama call)
fails instead with one `ConfigurationError` that says how to set it.
"""

from .ollama_hosts import ollama_host

ollama_host()

import ollama  # noqa: E402 - only now: see above.

__all__ = ["ollama"]
