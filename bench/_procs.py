"""Server processes for the load benchmarks: start in their own process group, wait until ready,
read their CPU time and peak memory from ``/proc``, and always stop them (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROOT",
    "Server",
    "cpu_seconds",
    "free_port",
    "group_cpu_seconds",
    "peak_rss_mib",
    "program",
    "server",
    "stop_group",
]

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (``/proc/<pid>/stat`` utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def group_cpu_seconds(pid: int) -> float:
    """CPU seconds of every live process in ``pid``'s process group (a server and its workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (``VmHWM``) of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM the process group ``proc`` leads, SIGKILL it if it outlives ``timeout``."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with suppress(ProcessLookupError):  # stragglers of the group, if the leader went first
        os.killpg(proc.pid, signal.SIGKILL)


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


@contextmanager
def server(
    name: str, args: Sequence[str], port: int, ready_path: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run ``python <args>`` as its own process group until the block ends (also on failure)."""
    with program(name, [sys.executable, *args], port, ready_path, env) as running:
        yield running


@contextmanager
def program(
    name: str, argv: Sequence[str], port: int, ready_path: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run ``argv`` as its own process group, ready when ``ready_path`` answers 200 (60 s at most)."""
    log = Path(tempfile.gettempdir()) / f"bench-{name}-{port}.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,  # uvicorn's access log; nobody reads it
            stderr=sink,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not _ready(f"http://127.0.0.1:{port}{ready_path}"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} did not become ready on port {port}:\n{tail}")
            time.sleep(0.1)
        yield Server(name, port, proc, log)
    finally:
        stop_group(proc)
