"""The process exit codes of every command, in one leaf module that anything may import."""

EXIT_OK = 0  # found, or the TUI closed normally
EXIT_NOT_FOUND = 1  # the package, grid or category does not exist
EXIT_USAGE = 2  # bad arguments, config or environment (no terminal for the TUI)
EXIT_API = 3  # the network or the API failed, after retries
# An unexpected error in pkgtui itself: one line on stderr, and the same status as a failure
# outside the user's control (3), so a script that retries on 3 does not take it for "not found".
EXIT_INTERNAL = EXIT_API

# Stopped by a signal: 128 + the signal's number, the status a shell reports for a process that
# a signal ended, so `pkgtui ... || ...` in a script tells an interruption from a failure. The
# TUI catches these, puts the terminal back and exits with them.
EXIT_HANGUP = 129  # SIGHUP: the terminal went away (an SSH session dropped, a window closed)
EXIT_INTERRUPTED = 130  # SIGINT: Ctrl+C in a lookup, or `kill -INT`
EXIT_TERMINATED = 143  # SIGTERM: `kill`, a service manager or a container stopping
