"""The sample scripts as a user runs them: separate processes, real environment."""
