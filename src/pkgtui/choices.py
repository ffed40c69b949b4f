"""Fixed choices the command line offers, in a leaf module: the parser is built for every
command, and importing ``pkgtui.completion`` for these two tuples cost each of them 11 ms
(its dataclasses, pathlib and typing; ``python -X importtime``)."""

SHELLS = ("bash", "zsh", "fish")
SLUG_KINDS = ("package", "grid", "category")  # what ``pkgtui completion --slugs`` lists
