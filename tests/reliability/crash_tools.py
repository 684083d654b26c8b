"""Crash-harness machinery: start a process, collect its stdout lines in a thread, SIGKILL it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence


class Victim:
    """A subprocess whose stdout lines are collected as they arrive (so none is lost at the kill)."""

    def __init__(self, argv: Sequence[str], env: dict, cwd: str):
        self.proc = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True, bufsize=1
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._stderr: list[str] = []
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()
        self._e = threading.Thread(target=lambda: self._stderr.extend(self.proc.stderr), daemon=True)
        self._e.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line == "READY":
                self.ready.set()
            self.lines.append(line)
        self.ready.set()

    def kill(self) -> bool:
        """SIGKILL now; returns True if the process was still running (a real kill)."""
        running = self.proc.poll() is None
        if running:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._t.join(timeout=30)
        self._e.join(timeout=30)
        return running and self.proc.returncode == -signal.SIGKILL

    @property
    def stderr(self) -> str:
        """What the process wrote to stderr (complete after ``kill``/exit)."""
        return "".join(self._stderr)

    def wait(self, timeout: float) -> int:
        """Wait for a normal exit."""
        rc = self.proc.wait(timeout=timeout)
        self._t.join(timeout=30)
        self._e.join(timeout=30)
        return rc


def acks(lines: list[str]) -> list[tuple[str, int, str]]:
    """The ``ACK item seq status`` lines: (item, seq, status)."""
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACK":
            out.append((parts[1], int(parts[2]), parts[3]))
    return out


def scale() -> float:
    """LABASSESS_CRASH_SCALE multiplies the number of kills (default 1; CI keeps the default)."""
    try:
        return max(0.05, float(os.environ.get("LABASSESS_CRASH_SCALE", "1")))
    except ValueError:
        return 1.0


class KillCounter:
    """Counts real kills across the whole test session (the harness promises at least 200)."""

    total = 0
    started = time.monotonic()


class Zygote:
    """A pre-imported ``crash_writer.py --zygote`` process that forks writers on request."""

    def __init__(self, script: str, env: dict, cwd: str):
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, script, "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=cwd,
            text=True,
            bufsize=1,
        )
        assert self.proc.stdout.readline().strip() == "ZYGOTE"

    def spawn(self, ack_file: str, *args: str) -> int:
        """Fork a writer; returns its pid."""
        self.proc.stdin.write(" ".join(["spawn", ack_file, *args]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        assert line and line[0] == "PID", line
        return int(line[1])

    def kill(self, pid: int) -> int:
        """SIGKILL a writer and reap it; returns its wait status."""
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.stdin.write(f"reap {pid}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        assert line and line[0] == "REAPED", line
        return int(line[2])

    def close(self) -> None:
        """End the zygote."""
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def read_lines(path) -> list[str]:
    """Lines of an acknowledgement file (missing file: none)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().splitlines()
    except FileNotFoundError:
        return []
