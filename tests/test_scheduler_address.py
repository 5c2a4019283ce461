"""A Dask scheduler address mtqa cannot use is one line and exit code 2, before any work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtqa.batch.jobs import check_engine
from mtqa.cli.app import app
from mtqa.errors import MtqaError

runner = CliRunner()


@pytest.mark.parametrize(
    "address",
    ["tls://10.0.0.5:8786", "wss://10.0.0.5:8786", "inproc://10.0.0.5/1/2", "ucx://10.0.0.5:8786", "tcp://",
     "tcp://host:port", "tcp://host:99999", "tcp://host:8786/path", "tcp://[::1", "[::1", "tcp://[zz]:1",
     "tcp://a b:1"],
)  # fmt: skip
def test_a_scheduler_address_mtqa_cannot_use_is_refused(address: str) -> None:
    with pytest.raises(MtqaError, match=re.escape(f"--scheduler '{address}'")):
        check_engine("dask", address)


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "scheduler", "tcp://[::1]:8786"])
def test_a_tcp_scheduler_address_is_accepted(address: str) -> None:
    check_engine("dask", address)


def test_a_tls_scheduler_is_one_line_and_exit_2_before_any_work(tmp_path: Path) -> None:
    for name in ("original.txt", "copy.txt"):
        (tmp_path / name).write_text("The council met on Monday to discuss the bridge.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("original,copy\noriginal.txt,copy.txt\n", encoding="utf-8")
    for command in (
        ["audit-batch", str(manifest), "-o", str(tmp_path / "out"), "--no-progress"],
        ["index", "build", str(tmp_path), "-o", str(tmp_path / "out")],
    ):
        result = runner.invoke(app, [*command, "--engine", "dask", "--scheduler", "tls://127.0.0.1:8786"])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "mtqa reaches a Dask scheduler over tcp:// only" in lines[0]
        assert not (tmp_path / "out").exists()
