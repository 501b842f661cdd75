"""Workflow definitions. Modules here run in Temporal's workflow sandbox, so they import
only deterministic code: no model clients, no `litellm`, no `ollama`. Each sample's module
is imported on its own: this package imports none of them."""
