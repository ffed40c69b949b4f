"""The process exit codes of every command, in one leaf module that anything may import."""

EXIT_OK = 0  # found, or the TUI closed normally
EXIT_NOT_FOUND = 1  # the package, grid or category does not exist
EXIT_USAGE = 2  # bad arguments, config or environment (no terminal for the TUI)
EXIT_API = 3  # the network or the API failed, after retries
