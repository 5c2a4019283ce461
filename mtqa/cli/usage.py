"""Help and usage errors that read like a Unix command's: ``ORIGINAL COPY``, one sentence, the command's own help."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand

from mtqa.plural import noun

# -h is help on every command, as most Unix tools have it.
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def placeholder(param: Any) -> str:
    """An argument as a usage line shows it: ``COPY``, ``COPY...``, ``[COPY]``."""
    name = str(param.metavar or param.name or "").upper()
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


# Click writes an option's range as an inequality (``[0.0<=x<=1.0]``, ``[x>=1]``); a reader gets words.
_RANGES = (
    (r"(-?[\d.]+)<=x<=(-?[\d.]+)", r"\1 to \2"),
    (r"x>=(-?[\d.]+)", r"at least \1"),
    (r"x<=(-?[\d.]+)", r"at most \1"),
    (r"x>(-?[\d.]+)", r"more than \1"),
    (r"x<(-?[\d.]+)", r"less than \1"),
)


def plain_range(help_text: str) -> str:
    """An option's help with click's range inequality put in words: ``[default: 5; 1 to 50]``."""
    for pattern, words in _RANGES:
        help_text = re.sub(pattern, words, help_text)
    return help_text


class UnixCommand(TyperCommand):
    """A command whose usage reads ``mtqa audit [OPTIONS] ORIGINAL COPY``, not ``{original} {copy}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line after the command's name: the options, then each argument's placeholder."""
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [placeholder(param) for param in self.get_params(ctx) if param.param_type_name == "argument"]
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The Arguments and Options sections, each argument under its placeholder, without a Python type."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((placeholder(param), record[1]))
            else:
                options.append((record[0], plain_range(record[1])))
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


def context_path(ctx: Any) -> str:
    """A click context's command as ``mtqa index build``, whatever name the program was started by."""
    names = []
    while ctx is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(["mtqa", *reversed(names[:-1])])


def command_path(error: Exception, argv: Sequence[str], app: typer.Typer) -> str:
    """The command a usage error is about, as ``mtqa index build``.

    Click gives the context of most errors; an option missing its value is
    raised before there is one, so the path is then read from ``argv``.
    """
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        return context_path(ctx)
    command = typer.main.get_command(app)
    names = []
    for word in argv:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        names.append(word)
        command = sub
    return " ".join(["mtqa", *names])


def _option_name(param: Any) -> str:
    """An option by its long name (``--format``), an argument by its placeholder (``COPY``)."""
    if param.param_type_name == "argument":
        return placeholder(param).strip("[]").removesuffix("...")
    return str(max(param.opts, key=len))


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# What pydantic-style checks and click say, and the words a user reads instead.
_REWORDS = (
    (r"^Value error, ", ""),
    (r"^Input should be a valid integer.*", "must be a whole number"),
    (r"^Input should be a valid number.*", "must be a number"),
    (r"^Input should be greater than or equal to ", "must be at least "),
    (r"^Input should be less than or equal to ", "must be at most "),
    (r"^Input should be greater than ", "must be more than "),
    (r"^Input should be less than ", "must be less than "),
    (r"^Input should be ", "must be "),
)


def _bad_value(param: Any, message: str) -> str:
    choice = re.match(r"(?:Value error, )?'(.*)' is not one of (.*?)\.?$", message)
    if choice:
        given, allowed = choice.groups()
        choices = re.findall(r"'([^']*)'", allowed)
        return f"{_option_name(param)} must be {_or(choices)}, not {given!r}"
    for pattern, words in _REWORDS:
        message = re.sub(pattern, words, message)
    return f"{_option_name(param)} {message.rstrip('.')}"


def usage_sentence(error: Exception) -> str:
    """One sentence for a usage error (a bad option value, a missing argument, an unknown option or command).

    Args:
        error: The error click raised while parsing the command line.

    Returns:
        The sentence, without the pointer to the command's help.
    """
    kind = type(error).__name__
    message = " ".join(str(getattr(error, "message", error)).split())
    param = getattr(error, "param", None)
    if kind == "MissingParameter" and param is not None:
        if param.param_type_name == "argument":
            return f"{_option_name(param)} is missing"
        return f"{_option_name(param)} is required"
    if kind == "BadParameter" and param is not None:
        return _bad_value(param, message)
    if kind == "NoSuchOption":
        option = getattr(error, "option_name", "")
        possible = sorted(getattr(error, "possibilities", None) or [])
        return f"there is no option {option}" + (f"; did you mean {_or(possible)}?" if possible else "")
    if kind == "BadOptionUsage":
        needs = re.match(r"Option '(.*)' requires an argument", message)
        if needs:
            return f"{needs.group(1)} needs a value"
    command = re.match(r"No such command '(.*)'", message)
    if command:
        return f"there is no command {command.group(1)!r}"
    extra = re.match(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", message)
    if extra:
        words = extra.group(1).split()
        return f"unexpected extra {noun(len(words), 'argument')} {' '.join(words)}"
    return message.rstrip(".")
