"""The first command on a machine with no Ollama and no provider key: `run_demo.py` runs
the GPT-OSS sample on the bundled model, the real llama-server it starts from the cache,
and stops it at the end."""

from __future__ import annotations

import re
import socket

import pytest

from tests.helpers.processes import (
    WEATHER,
    closed_port_address,
    printed_result,
    run_script,
    script_environment,
)
from tests.helpers.usage import local_usage

pytestmark = pytest.mark.real_model


@pytest.mark.usefixtures("bundled_model_installed")
def test_without_ollama_or_a_key_the_demo_runs_on_the_bundled_model(
    dev_server_address: str,
) -> None:
    no_ollama = closed_port_address()
    completed = run_script(
        "run_demo.py",
        environment=script_environment(TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=no_ollama),
    )

    assert completed.returncode == 0, completed.stderr
    printed = completed.stdout
    assert f"No Ollama answers at http://{no_ollama} and no provider key is set" in printed
    # The model called the weather tool, and its answer quotes the tool's result.
    assert WEATHER in printed_result(printed), printed
    assert "Answered by smollm2:135m: SmolLM2-135M-Instruct on llama.cpp's llama-server" in printed
    assert "It is a 135M-parameter stand-in for gpt-oss:20b" in printed
    calls, tokens_in, tokens_out = local_usage(printed, "smollm2:135m")
    assert calls >= 2 and tokens_in > 0 and tokens_out > 0  # The bundled model's own counts.
    # The server it started is gone with it.
    started = re.search(r"Started llama-server at http://127\.0\.0\.1:(\d+) ", printed)
    assert started, printed
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(started[1]))) != 0
