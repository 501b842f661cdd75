"""Keeping credentials out of what is recorded: URLs without their user info, messages with
keys masked, and errors as Temporal should record them.

What a model call raises lands in workflow history and in the worker's log, where nobody
should find an API key.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

from temporalio.exceptions import ApplicationError

# Environment variables whose values are secrets: OPENAI_API_KEY, OLLAMA_API_KEY,
# AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD, ...
_SECRET_VARIABLE_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD")

# Shorter values are not masked: they are placeholders such as the key "ollama" that
# Ollama's OpenAI-compatible API ignores, and masking them would mangle ordinary words.
MIN_SECRET_LENGTH = 8


def without_credentials(url: str) -> str:
    """`url` without `user:password@`, query or fragment (where tokens hide), for messages,
    logs and workflow history."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=host, query="", fragment=""))


def redacted(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with `secrets` and the value of every secret-named environment variable
    masked.

    Some providers and proxies echo a rejected key in their error message. A key given to
    a provider as an argument is in no environment variable, hence `secrets`.
    """
    environment = [v for n, v in os.environ.items() if n.endswith(_SECRET_VARIABLE_SUFFIXES)]
    # Longest first: a secret that contains another is masked whole.
    for value in sorted({*secrets, *environment}, key=len, reverse=True):
        if len(value) >= MIN_SECRET_LENGTH:
            text = text.replace(value, "[redacted]")
    return text


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then each error behind it (`__cause__`, else `__context__`), each once."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


def recorded_causes(error: BaseException, secrets: Iterable[str] = ()) -> ApplicationError:
    """`error` and the errors behind it, as Temporal should record them: each one's type
    and message, with secrets masked and without the client libraries' stack frames.

    Temporal records the whole cause chain as the attempt's failure, in workflow history
    and in the worker's log. The originals would put two things there that do not belong:
    - a provider's error message may quote the rejected API key;
    - the frames of openai, httpx and httpcore make the chain several KB, over the
      server's size limit for a pending activity's last failure, which then reads
      "Failure exceeds size limit." in the Web UI while the call is being retried.
    """
    chain = list(causes(error))
    secrets = tuple(secrets)
    recorded: ApplicationError | None = None
    for original in reversed(chain):
        stand_in = ApplicationError(redacted(str(original), secrets), type=type(original).__name__)
        stand_in.__cause__ = recorded
        recorded = stand_in
    assert recorded is not None
    return recorded
