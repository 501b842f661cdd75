"""Model providers for Agents SDK agents in Temporal workers. Worker-side only: workflows
name models as plain strings, and the worker's provider turns a name into calls.

    ollama_provider.OllamaModelProvider   local Ollama and Ollama Cloud, on Ollama's own
    ollama_model.OllamaModel                `/api/chat` (conversions in ollama_converter
                                            and ollama_stream)
    multi_provider.MultiModelProvider     one provider for every backend, by the name's
    multi_provider.MultiModelProviderMap    prefix (ollama/, litellm/, openai/)
    litellm_provider                      LiteLLM, bounded in time and retries
    errors                                failures as actionable, classified Temporal errors

The public names and constructor arguments are those of the `timestep` package, so its
examples work by changing only the import. The package imports nothing from the rest of
this repository and refers to itself relatively: copy the folder into your project under
any name. Nothing is re-exported here, so importing one module imports only the client
library it needs (`ollama`, `litellm`); the router imports each backend on first use.
"""
