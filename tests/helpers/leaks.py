"""Checks that an API key stays out of a failure and everything recorded about it."""

from __future__ import annotations

# Keys at least this long are masked (shorter values, such as Ollama's placeholder key
# "ollama", would mask ordinary words). The tests use longer ones, or masking that does
# nothing would go unnoticed.
MASKED_KEY_MIN_LENGTH = 8


def error_chain(error: BaseException) -> list[BaseException]:
    """`error` and the errors behind it, as Python prints them and a log shows them:
    each one's `__cause__`, else its `__context__` unless `raise ... from` suppressed it.

    (Temporal's failure converter follows `__cause__` only: a shorter chain than this.)
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain


def assert_key_absent(error: BaseException, key: str) -> None:
    """`key` appears nowhere in `error` or the errors behind it."""
    assert len(key) >= MASKED_KEY_MIN_LENGTH, "a key this short is never masked"
    for link in error_chain(error):
        assert key not in str(link), f"the key is in a {type(link).__name__}: {link}"
        assert key not in repr(link), f"the key is in a {type(link).__name__}: {link!r}"


def assert_key_masked(error: BaseException, key: str, masked_message: str) -> None:
    """`key` appears nowhere in `error` or the errors behind it, and `masked_message`
    (the fake provider's words, with `[redacted]` where it quoted the key) stands in both
    the one-line message and the recorded cause: this project masked it."""
    assert "[redacted]" in masked_message
    assert_key_absent(error, key)
    chain = error_chain(error)
    carrying = [link for link in chain if masked_message in str(link)]
    assert len(carrying) >= 2, [f"{type(link).__name__}: {link}" for link in chain]
