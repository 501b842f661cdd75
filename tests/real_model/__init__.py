"""The real-model tier."""
