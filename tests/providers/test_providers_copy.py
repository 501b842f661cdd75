"""`providers/` works when copied out alone: under another package name, with the rest of
this repository unimportable, a tool-calling agent runs through it against a fake Ollama;
its public names import as `timestep`'s do (the router's from the package, the native
Ollama provider's from its `ollama_native` sub-package), and the package imports a client library
only with the sub-package that needs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openai_agents.model_providers.providers as providers
from testkit.fakes import ollama_native
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import script_environment

# Runs in a fresh interpreter whose imports of this repository fail, as in a project that
# copied only the folder.
_AGENT_ON_THE_COPY = """
import asyncio, importlib.abc, sys

class NoRepository(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "openai_agents" or name.startswith(("openai_agents.", "tests")):
            raise ImportError(f"the copy imported {name} from the repository")
        return None

sys.meta_path.insert(0, NoRepository())

from agents import Agent, Runner, function_tool
import my_models
assert "ollama" not in sys.modules and "litellm" not in sys.modules, "imported at once"
from my_models import MultiModelProvider
from my_models.ollama_native import OllamaModel, OllamaModelProvider
assert "ollama" in sys.modules and "litellm" not in sys.modules, "not imported on first use"

@function_tool
async def get_weather(city: str) -> str:
    '''Get the current weather for a city.'''
    return f"The weather in {city} is sunny."

async def main() -> None:
    router = MultiModelProvider(default_prefix="ollama", ollama_base_url=sys.argv[1])
    model = router.get_model("ollama/gpt-oss:20b")
    agent = Agent(name="Assistant", instructions="Haikus only.", model=model, tools=[get_weather])
    try:
        result = await Runner.run(agent, "What's the weather in Tokyo?")
    finally:
        await router.aclose()
    print(result.final_output)

asyncio.run(main())
"""


def test_the_copied_folder_runs_a_tool_calling_agent(tmp_path: Path) -> None:
    shutil.copytree(Path(providers.__file__).parent, tmp_path / "my_models")
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer_quoting_tool_result(),
    ]
    with FakeOllama(steps) as ollama:
        completed = subprocess.run(
            [sys.executable, "-c", _AGENT_ON_THE_COPY, ollama.url],
            cwd=tmp_path,
            env=script_environment(PYTHONPATH=str(tmp_path), OPENAI_AGENTS_DISABLE_TRACING="1"),
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert completed.returncode == 0, completed.stderr
    assert "The weather in Tokyo is sunny." in completed.stdout
    first, second = ollama.chat_requests
    assert [tool["function"]["name"] for tool in first["tools"]] == ["get_weather"]
    assert second["messages"][-1] == {
        "role": "tool",
        "content": "The weather in Tokyo is sunny.",
        "tool_name": "get_weather",
    }
