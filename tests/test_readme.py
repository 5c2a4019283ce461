"""The README's setup commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_readme_gives_exactly_two_setup_commands() -> None:
    blocks = bash_blocks()
    assert len(blocks) == 2 and all("\n" not in b for b in blocks)
    assert "mtqa audit fixtures/seed/original.txt fixtures/seed/copy.txt" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    assert bash_blocks()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_audit_command_files_exist() -> None:
    for path in re.findall(r"fixtures/\S+\.txt", bash_blocks()[0]):
        assert (ROOT / path).is_file()


def plain_blocks() -> list[str]:
    """The README's code blocks that name no language: its usage lines."""
    blocks: list[str] = []
    language = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if language is None:
                language = line[3:].strip()
                blocks.append("")
            else:
                if language:
                    blocks.pop()
                language = None
        elif language == "":
            blocks[-1] += line + "\n"
    return blocks


def usage_lines() -> dict[str, str]:
    """The README's usage lines (``mtqa CMD ...`` in plain code blocks), joined per command with their continuations."""
    import typer

    from mtqa.cli.app import app

    root = typer.main.get_command(app)
    lines: dict[str, str] = {}
    for block in plain_blocks():
        current = None
        for line in block.splitlines():
            if line.startswith("mtqa "):
                command, path = root, ["mtqa"]
                for word in line.split()[1:]:
                    sub = getattr(command, "commands", {}).get(word)
                    if sub is None:
                        break
                    command, path = sub, [*path, word]
                current = " ".join(path)
                lines[current] = lines.get(current, "") + " " + line
            elif line.startswith(" ") and current is not None:  # a usage line wrapped onto the next
                lines[current] += " " + line
            else:
                current = None
    return lines


def help_options() -> dict[str, list[list[str]]]:
    """Each command's options as its ``--help`` lists them: the names of each option (``--cache``, ``--no-cache``)."""
    import typer

    from mtqa.cli.app import app

    found: dict[str, list[list[str]]] = {}

    def walk(command: object, path: str) -> None:
        subs = getattr(command, "commands", {})
        for name, sub in subs.items():
            walk(sub, f"{path} {name}")
        if not subs:
            params = getattr(command, "params", [])
            found[path] = [p.opts + p.secondary_opts for p in params if p.param_type_name == "option" and not p.hidden]

    walk(typer.main.get_command(app), "mtqa")
    return found


def test_readme_usage_lines_list_exactly_the_options_of_help() -> None:
    readme, commands = usage_lines(), help_options()
    problems = []
    for command, options in sorted(commands.items()):
        if command not in readme:
            problems.append(f"{command}: no usage line in the README")
            continue
        written = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", readme[command]))
        missing = [names[0] if len(names) == 1 else "/".join(names) for names in options if not written & set(names)]
        unknown = sorted(written - {name for names in options for name in names})
        if missing:
            problems.append(f"{command}: the README's usage line lacks {', '.join(missing)}")
        if unknown:
            problems.append(f"{command}: the README's usage line has {', '.join(unknown)}, which --help does not")
    assert not problems, "\n".join(problems)


def test_audit_batch_placeholders_in_the_readme_are_those_of_help() -> None:
    import typer

    from mtqa.cli.app import app

    command = typer.main.get_command(app).commands["audit-batch"]  # type: ignore[attr-defined]
    helps = {
        name: p.metavar
        for p in command.params
        if p.param_type_name == "option" and p.metavar and not p.metavar.startswith(("[", "{"))
        for name in p.opts
    }
    written = dict(re.findall(r"(--[a-z][\w-]*) ([A-Z][A-Z_.]*)\b", usage_lines()["mtqa audit-batch"]))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Auditing thousands of copies") :]
    section = section[: section.index("\n## ")]
    written |= dict(re.findall(r"`(--[a-z][\w-]*) ([A-Z][A-Z_.]*)`", section))
    assert written and {name: written[name] for name in written if name in helps} == {
        name: helps[name] for name in written if name in helps
    }
    assert "--summary-csv" in written and "--fail-under" in written and "--output" in written
