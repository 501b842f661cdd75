"""Plumbing the sample scripts share, which a reader can skip: arguments, the prompt,
logging and exit codes (`cli`), reaching Temporal (`temporal`), and the bundled dev server
for the demo (`dev_server`)."""
