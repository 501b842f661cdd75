"""Where Ollama models are served: the local server (`OLLAMA_HOST`) or Ollama Cloud.

Shared by both Ollama backends, the OpenAI-compatible `/v1` one and the native one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors.classification import without_credentials
from .errors.types import ConfigurationError

DEFAULT_OLLAMA_HOST = "http://localhost:11434"
_DEFAULT_OLLAMA_PORT = 11434

OLLAMA_CLOUD_HOST = "https://ollama.com"
CLOUD_MODEL_SUFFIX = "-cloud"
"""A local Ollama offloads models named `…-cloud` to Ollama Cloud; the cloud's own API
names the same model without the suffix."""


def ollama_host(environ: Mapping[str, str] = os.environ) -> str:
    """The Ollama server's base URL from `OLLAMA_HOST`, as Ollama itself reads it.

    Like the `ollama` CLI and client, a bare `host` or `host:port` means plain HTTP on
    port 11434 by default. Anything that is not an HTTP(S) URL is a configuration error.
    """
    raw = environ.get("OLLAMA_HOST", "").strip()
    if not raw:
        return DEFAULT_OLLAMA_HOST
    return normalized_ollama_url(raw, "OLLAMA_HOST")


def normalized_ollama_url(raw: str, setting: str) -> str:
    """`raw` as a base URL without a trailing slash; a ConfigurationError naming `setting`
    when it is not one."""
    if raw.startswith(":"):  # Ollama reads ":11500" as a port on the loopback address.
        raw = f"127.0.0.1{raw}"
    with_scheme = raw if "://" in raw else f"http://{raw}"
    problem = _url_problem(with_scheme)
    if problem:
        shown = without_credentials(with_scheme) if "@" in raw else raw
        raise ConfigurationError(
            f"{setting}={shown!r} is not a valid Ollama URL ({problem}); "
            f"set it like {DEFAULT_OLLAMA_HOST} or unset it"
        )
    parts = urlsplit(with_scheme)
    if parts.port is None and "://" not in raw:
        parts = parts._replace(netloc=f"{parts.netloc}:{_DEFAULT_OLLAMA_PORT}")
    return parts._replace(path=parts.path.rstrip("/"), query="", fragment="").geturl()


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme must be http or https, not {parts.scheme!r}"
    if not parts.hostname or any(c.isspace() for c in url):
        return "no host name"
    try:
        parts.port  # noqa: B018 - urllib validates the port lazily, on access.
    except ValueError:
        return "the port is not a number from 0 to 65535"
    return None


def is_cloud_model(model: str) -> bool:
    return model.endswith(CLOUD_MODEL_SUFFIX)


def not_ollama(error: BaseException, model: str, host: str, path: str) -> str | None:
    """One line saying the server at `host` is not Ollama, if `error` (its reply to `path`)
    shows it; None for anything else.

    Ollama answers a model it does not have with a 404 whose JSON body is
    `{"error": "model \"<name>\" not found, ..."}`. Any other 404 (an OpenAI-style error
    object, a web page) comes from a server without Ollama's API: pulling the model
    cannot help. Read by duck typing, as `ollama.ResponseError` keeps the parsed `error`.
    """
    detail = getattr(error, "error", None)
    if getattr(error, "status_code", None) != 404 or (isinstance(detail, str) and model in detail):
        return None
    if isinstance(detail, dict):
        detail = detail.get("message", detail)
    return (
        f"the server at {without_credentials(host)} is not Ollama (its {path} answered HTTP "
        f"404: {' '.join(str(detail).split())[:200]}): point OLLAMA_HOST at Ollama, or use "
        "the server's OpenAI-compatible API (the GPT-OSS worker, or the router's openai/ or "
        "litellm/openai/ models)"
    )
