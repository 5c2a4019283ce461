"""Fuzz ``mtqa.audit``: the span properties of ``tests/test_properties.py`` under the ``long`` profile.

The ``long`` hypothesis profile runs 10,000 examples per property (the CI
profile runs a few dozen). Each example of the fixture-pair property is a full
audit with the packaged model, about 0.5-2 s on 2 cores, so the whole run
takes hours; ``--examples`` sets a smaller count for a shorter run.

Run: ``python benchmarks/fuzz_audit.py [--examples N] [--seed S] [-k EXPR]``.
It runs pytest on the property module with ``MTQA_HYPOTHESIS_PROFILE=long``,
streams pytest's output, and ends with the examples run per property and
the result. The exit code is pytest's: 0 when every property held.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE = "tests/test_properties.py"
# Hypothesis's statistics line, in its older ("passing examples") and newer ("passing ... test cases") wording.
_COUNTS = re.compile(r"(\d+) passing(?: examples)?, (\d+) failing(?: examples)?,? (?:and )?(\d+) invalid")
_TEST = re.compile(r"^(\S+::\S+):$")
_PHASE = re.compile(r"during (\w+) phase")


def main() -> int:
    """Run the properties under the long profile and print what ran; return pytest's exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, help="examples per property (default: the long profile's 10,000)")
    parser.add_argument("--seed", help="hypothesis seed, to repeat a run")
    parser.add_argument("-k", dest="select", help="pytest -k expression choosing the properties")
    args = parser.parse_args()

    env = {**os.environ, "MTQA_HYPOTHESIS_PROFILE": "long"}
    if args.examples is not None:
        env["MTQA_HYPOTHESIS_EXAMPLES"] = str(args.examples)
    command = [sys.executable, "-m", "pytest", MODULE, "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    command += ["--hypothesis-seed", args.seed] if args.seed else []
    command += ["-k", args.select] if args.select else []
    print("$", " ".join(command), flush=True)

    began = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as run:
        assert run.stdout is not None
        for line in run.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    elapsed = time.monotonic() - began

    # Per property and phase (reuse, generate, shrink): passing, failing and invalid test cases.
    counts: dict[str, dict[str, list[int]]] = {}
    test, phase = None, ""
    for line in lines:
        heading = _TEST.match(line)
        if heading:
            test = heading.group(1).split("::")[-1]
        during = _PHASE.search(line)
        if during:
            phase = during.group(1)
        found = _COUNTS.search(line)
        if found and test is not None:
            counts.setdefault(test, {})[phase] = [int(found.group(k)) for k in (1, 2, 3)]

    print(f"\nfuzz_audit: {elapsed / 60:.1f} min")
    for name, phases in counts.items():
        passing, failing, invalid = (sum(c[k] for p, c in phases.items() if p != "shrink") for k in range(3))
        shrunk = f", then {sum(phases['shrink'])} shrink attempts" if "shrink" in phases else ""
        print(f"  {name}: {passing} passing, {failing} failing, {invalid} invalid examples{shrunk}")
    print("result:", "every property held" if run.returncode == 0 else f"FAILED (pytest exit code {run.returncode})")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
