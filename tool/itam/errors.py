"""Operational errors: the run cannot go on (exit code 2).

Problems in the registry's data are findings, never exceptions; these are for
a broken schema or policy file, an unreadable root or a bad argument.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration or usage problem, with the file and line when known."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        # Where inside the offending value, when the raiser knows (a JSON pointer).
        self.pointer = pointer

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"
