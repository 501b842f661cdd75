"""OpenAI Agents SDK agents on any model provider, run inside Temporal workflows."""
