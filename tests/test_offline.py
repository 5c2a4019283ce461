"""Nothing leaves the machine, and the caches are ours alone.

The network test runs real audits under strace, in a network namespace of
their own where the machine allows one, and fails on any attempt to reach
another machine: a connect or send to an internet address, a host name
look-up (which reads /etc/hosts or /etc/resolv.conf), or a call to the
systemd resolver's socket.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mtqa.batch.results import ResultStore
from mtqa.embed.base import packaged_model_path
from mtqa.embed.cache import CachedEmbedder, cache_dir, private_folder
from mtqa.embed.onnx import _fingerprint, onnx_model_path
from mtqa.embed.onnx_export import token_model_path
from mtqa.errors import MtqaError
from tests.conftest import FIXTURES, FakeEmbedder, read_pair

SEED = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]
NETWORK_CALLS = "connect,sendto,sendmsg,sendmmsg,openat"
# A call that reaches out: an internet address, a host name look-up, or the systemd resolver.
# (nscd's socket is not on the list: torch asks it for the user's name, a passwd look-up.)
REACHING_OUT = re.compile(r"AF_INET6?\b|\"/etc/(hosts|resolv\.conf)\"|/resolve/io\.systemd")


def _isolated(command: list[str]) -> list[str]:
    """``command`` in a network namespace of its own when the machine allows it (only loopback, and down)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]
    return command


PAGES = [str(FIXTURES / "pages" / "flood_original.html"), str(FIXTURES / "pages" / "flood_copy.html")]


@pytest.mark.parametrize(("backend", "inputs"), [("onnx", SEED), ("torch", SEED), ("onnx", PAGES)])
def test_an_audit_attempts_no_network_connection(tmp_path: Path, backend: str, inputs: list[str]) -> None:
    strace = shutil.which("strace")
    assert strace, "strace is needed to watch the audit's system calls (apt-get install strace)"
    onnx_model_path(packaged_model_path())  # the export is built (once, untraced) before the watched audit
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "ORT_"))},
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "MTQA_CACHE": str(cache_dir()),  # the export built by the session, so no torch export runs here
    }
    log = tmp_path / "calls.log"
    command = [strace, "-f", "-qq", "-e", f"trace={NETWORK_CALLS}", "-o", str(log), sys.executable, "-m", "mtqa"]
    result = subprocess.run(
        _isolated([*command, "audit", *inputs, "--format", "json", "--backend", backend]),
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["units"] > 0
    calls = [line for line in log.read_text().splitlines() if REACHING_OUT.search(line)]
    assert calls == [], calls
    # onnxruntime's telemetry queue (~/.cache/Microsoft/…/onnxruntime.db) is never created
    assert not (home / ".cache" / "Microsoft").exists()


def test_the_network_watch_sees_a_connection_attempt(tmp_path: Path) -> None:
    """The watch itself works: a process that does try to connect is caught."""
    strace = shutil.which("strace")
    assert strace
    log = tmp_path / "calls.log"
    # A host name, so the look-up itself must be caught even where no route exists.
    probe = "\n".join(
        [
            "import contextlib, socket",
            "with contextlib.suppress(OSError):",
            "    socket.create_connection(('example.org', 80))",
        ]
    )
    command = [strace, "-f", "-qq", "-e", f"trace={NETWORK_CALLS}", "-o", str(log), sys.executable, "-c", probe]
    subprocess.run(_isolated(command), capture_output=True, timeout=60)
    assert any(REACHING_OUT.search(line) for line in log.read_text().splitlines())


def test_the_fallback_cache_folder_is_private_and_refused_when_it_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MTQA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "read-only-home" / "file"))
    (tmp_path / "read-only-home").mkdir()
    (tmp_path / "read-only-home" / "file").write_text("not a folder")  # the home cache cannot be created
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    fallback = cache_dir()
    assert fallback == tmp_path / "tmp" / f"mtqa-cache-{os.getuid()}"
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700
    fallback.chmod(0o777)  # another user could plant an export or a result in it
    with pytest.raises(MtqaError, match="writable by others"):
        cache_dir()
    fallback.rmdir()
    (tmp_path / "elsewhere").mkdir()
    fallback.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(MtqaError, match="not a plain folder"):
        cache_dir()


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_cache_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    planted.mkdir(mode=0o700)
    os.chown(planted, 4242, 4242)
    with pytest.raises(MtqaError, match="belongs to another user"):
        private_folder(planted)


def test_a_planted_pickle_in_the_cache_never_runs(tmp_path: Path) -> None:
    import pickle

    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {ran}",))

    cache = tmp_path / "cache.sqlite"
    with sqlite3.connect(cache) as db:  # the table where earlier versions kept pickled results
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, result BLOB NOT NULL)")
        db.execute("INSERT INTO results VALUES ('k', ?)", (pickle.dumps(Payload()),))
    store = ResultStore(cache)
    assert store.get("k") is None
    with sqlite3.connect(cache) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "results" not in tables and not ran.exists()


def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path) -> None:
    from mtqa.pipeline import audit

    cache = CachedEmbedder(FakeEmbedder(), tmp_path / "cache.sqlite")
    store = ResultStore(tmp_path / "cache.sqlite")
    report = audit(*read_pair("seed"), embedder=cache)
    store.put("k", report)
    assert store.get("k") is not None
    cache.execute("UPDATE reports SET pairs = ?", (b"PAR1 not parquet",))
    assert store.get("k") is None
    cache.execute("UPDATE vectors SET vector = ?", (np.full(7, 3.0, dtype=np.float32).tobytes(),))
    fresh = FakeEmbedder()
    again = CachedEmbedder(fresh, tmp_path / "cache.sqlite")
    vectors = again.encode(["A sentence about the flood."])
    assert vectors.shape == (1, FakeEmbedder.DIM) and fresh.calls == [1]  # re-embedded, not read back


def test_two_models_with_equal_sizes_and_times_get_different_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path / "cache"))
    folders = []
    for name, byte in (("a", b"\x01"), ("b", b"\x02")):
        folder = tmp_path / name / "model"
        folder.mkdir(parents=True)
        (folder / "config.json").write_text("{}")
        (folder / "model.safetensors").write_bytes(byte * 4096)
        os.utime(folder / "model.safetensors", ns=(10**18, 10**18))
        folders.append(folder)
    assert _fingerprint(folders[0]) != _fingerprint(folders[1])
    before = _fingerprint(folders[0])
    with (folders[0] / "model.safetensors").open("r+b") as stream:  # rewritten in place, time set back
        stream.write(b"\x03")
    os.utime(folders[0] / "model.safetensors", ns=(10**18, 10**18))
    assert _fingerprint(folders[0]) != before


def test_the_export_leaves_nothing_in_the_working_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    target = tmp_path / "cache" / "model.int8.onnx"
    subprocess.run(
        [sys.executable, "-m", "mtqa.embed.onnx_export", str(packaged_model_path()), str(target)],
        check=True,
        capture_output=True,
        timeout=600,
        cwd=work,
    )
    assert target.is_file()
    assert list(work.iterdir()) == []
    # the sentence model and the word aligner's token model, nothing else
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, token_model_path(target).name])
