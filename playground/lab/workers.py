"""The 2D lab's runs in worker processes, so a classroom's frames use every core.

A frame (training, probe, metrics) is mostly small NumPy/torch calls that hold Python's interpreter lock, so in one
process eight playing pages kept only ~1.3 of the 2 cores busy. Here each worker process owns some pages'
LabSessions (their playing runs of one small shape trained together: lab_groups.py) and the Gradio process
forwards each call over a socket; a RemoteSession has the methods of
lab_session.Run (generated from RUN_METHODS), so the tab does not know which kind it holds.

A worker that dies (killed, out of memory) takes only its own pages' runs: their next call raises RunLost, and the
run comes back on a live worker with the same settings. The other pages do not notice.
"""
from __future__ import annotations

import ctypes
import math
import os
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any, Callable

from toy2d import threads
from toy2d.config import TrainConfig
from toy2d.reasons import Refused

from . import session as lab_session
from .groups import Groups
from .session import RUN_METHODS, LabSession, new_token

# What a page may ask of its run in a worker: the Run protocol's methods, nothing else.
METHODS = frozenset(RUN_METHODS)


class RunLost(RuntimeError):
    """The worker process holding a run stopped; the run has been started again elsewhere."""


class NoRoom(RuntimeError):
    """The workers' machines have no room for another worker (a full cluster): the page hears "the server is full"."""


class _Gone(Exception):
    """Raised in a worker for a token it does not hold (the run was lost with an earlier worker)."""


class Host:
    """What a worker holds and does, whatever carries its calls (a socket here, a Ray actor in cluster.py): pages'
    LabSessions by token, their playing runs of one small shape trained together, and one request at a time."""

    def __init__(self) -> None:
        threads.limit(1)
        self.sessions: dict[str, LabSession] = {}
        self.groups = Groups()  # the playing runs of one small shape, trained together
        self.sent: dict[str, TrainConfig] = {}  # the config each session's proxy last received (sent on change)

    def handle(self, token: str, method: str, args: tuple, kwargs: dict, budget: float) -> tuple:
        """(True, result, the session's config if it changed, its run id), or (False, a portable exception, …)."""
        sessions = self.sessions
        try:
            if method == "open":
                sessions[token] = LabSession(*args, token=token, **kwargs)
                sessions[token].train_play = self.groups.train
                sessions[token].shares = self.groups.shares
                result = None
            elif method == "close":
                sessions.pop(token, None)
                self.groups.release(token)
                self.sent.pop(token, None)
                _give_back_memory()
                result = None
            elif method == "count":
                result = len(sessions)
            elif method in METHODS:
                s = sessions.get(token)
                if s is None:
                    raise _Gone(token)
                s.frame_budget_s = budget
                result = getattr(s, method)(*args, **kwargs)
            else:
                raise ValueError(f"unknown method {method!r}")
            s = sessions.get(token)
            state = None
            if s is not None and self.sent.get(token) is not s.config:
                self.sent[token] = s.config
                state = s.config
            return True, result, state, None if s is None else s.run_id
        except Exception as exc:  # noqa: BLE001 — every failure goes back to the caller, the worker stays up
            return False, _portable(exc), None, None


def answer(reply: tuple) -> tuple[Any, TrainConfig | None, int | None]:
    """A Host's reply as its caller takes it: (result, the session's config if it changed, its run id), or the
    method's exception raised here."""
    ok, result, config, run_id = reply
    if not ok:
        raise result
    return result, config, run_id


def _serve(conn: Connection) -> None:
    """A worker process's loop: one request at a time, each (token, method, args, kwargs, frame budget)."""
    host = Host()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the Gradio process has gone: so does its worker
            return
        conn.send(host.handle(*request))


def _give_back_memory() -> None:
    """Return freed heap to the system (glibc keeps it otherwise), so a closed page's run shows as freed memory."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the next run instead
        pass


def _portable(exc: Exception) -> Exception:
    """An exception that surely crosses the socket: bad input stays ValueError/TypeError (the tab catches those),
    anything else becomes a RuntimeError naming what it was."""
    if isinstance(exc, Refused):
        return exc  # it pickles with its reason, to be said in the page's language
    for kind in (_Gone, ValueError, TypeError):
        if isinstance(exc, kind):
            return kind(str(exc))
    return RuntimeError(f"{type(exc).__name__}: {exc}")


ROOT = Path(__file__).resolve().parents[2]  # the repository: the worker imports playground from it


KEY_VAR = "GAN_PLAYGROUND_WORKER_KEY"  # the connect-back handover's secret, in the environment rather than argv
CONNECT_TIMEOUT_S = 60.0


def inherits_sockets() -> bool:
    """Can a child process be handed a socket by its descriptor? Not on Windows (Popen's pass_fds raises there):
    the worker then connects back to a loopback listener and proves itself with a one-time key."""
    return sys.platform != "win32"


def _connect_back(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Connection]:
    """Start the worker with `--connect PORT` and take its call on a loopback socket: the worker must answer
    multiprocessing's challenge with the one-time key it got in its environment (as Listener/Client do, but with a
    time limit, so a worker that dies before calling back cannot hang the app)."""
    key = os.urandom(32)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(CONNECT_TIMEOUT_S)
        process = subprocess.Popen([*command, "--connect", str(server.getsockname()[1])],
                                   env=dict(env, **{KEY_VAR: key.hex()}), cwd=ROOT)
        try:
            sock, _ = server.accept()
            sock.setblocking(True)  # Connection reads the descriptor itself: it must block
            conn = Connection(sock.detach())
            deliver_challenge(conn, key)
            answer_challenge(conn, key)
        except (OSError, EOFError, AuthenticationError):
            process.kill()
            raise RuntimeError("a lab worker process did not connect back") from None
    return process, conn


class Worker:
    """One worker process (`python -m playground.lab.workers FD`, or `… --connect PORT` where sockets cannot be
    inherited) and the connection to it; calls from many server threads take turns. A plain subprocess rather
    than multiprocessing's spawn, which would import the app's main module (all of Gradio and every tab) again in
    each worker."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")  # one core's worth of work per worker: threads would only contend
        command = [sys.executable, "-m", "playground.lab.workers"]
        if inherits_sockets():
            mine, theirs = socket.socketpair()
            self.process = subprocess.Popen([*command, str(theirs.fileno())], pass_fds=[theirs.fileno()], env=env,
                                            cwd=ROOT)
            theirs.close()
            self.conn = Connection(mine.detach())
        else:
            self.process, self.conn = _connect_back(command, env)
        self.lock = threading.Lock()
        self.sessions = 0  # how many runs it holds (for placing new ones)
        self.dead = False  # its socket broke: never hand it out again, even before the process is reaped

    def call(self, token: str, method: str, args: tuple = (), kwargs: dict | None = None,
             budget: float = math.inf) -> tuple[Any, TrainConfig | None, int | None]:
        """(result, the session's config if it changed, its run id); raises what the method raised, or _Gone
        when the worker has died or does not hold the token."""
        with self.lock:
            try:
                self.conn.send((token, method, args, kwargs or {}, budget))
                reply = self.conn.recv()
            except (EOFError, OSError) as exc:
                self.dead = True
                raise _Gone(token) from exc
        return answer(reply)

    @property
    def alive(self) -> bool:
        exited = self.process.poll() is not None  # (poll also reaps a worker that died: no zombie stays behind)
        return not self.dead and not exited

    def discard(self) -> None:
        """A dead worker: its socket closed, its process killed if it lingers, and reaped (never a zombie)."""
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        self.conn.close()  # the worker reads end-of-file and exits
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WorkerPool:
    """The workers: this machine's processes (``Worker``), or anything with their five members (``call``, ``alive``,
    ``discard``, ``stop``, ``sessions``: cluster.RayWorker). Dead ones are replaced when the next run is placed."""

    def __init__(self, n: int, make: Callable[[], Any] = Worker):
        self._lock = threading.Lock()
        self._make = make
        self.workers = [make() for _ in range(n)]

    def place(self) -> Worker:
        """The live worker with the fewest runs (a dead one is replaced first)."""
        with self._lock:
            for i, w in enumerate(self.workers):
                if not w.alive:
                    w.discard()
                    self.workers[i] = self._make()
            w = min(self.workers, key=lambda w: w.sessions)
            w.sessions += 1
            return w

    def release(self, worker: Worker) -> None:
        """A run placed on ``worker`` has ended (or was lost with it)."""
        with self._lock:
            worker.sessions -= 1

    def stop(self) -> None:
        with self._lock:
            for w in self.workers:
                w.stop()
            self.workers = []


class RemoteSession:
    """A LabSession living in a worker process, with the same methods the tab calls."""

    def __init__(self, pool: WorkerPool, config: TrainConfig | None = None):
        self._pool = pool
        self.token = new_token()
        self.frame_budget_s = lab_session.FRAME_TRAIN_BUDGET_S  # Registry.share_budget sets it; sent with each call
        self.config: TrainConfig | None = None
        self.run_id = 0
        self._revive = threading.Lock()
        self._open(config, first_run=1)

    def _open(self, config: TrainConfig | None, first_run: int) -> None:
        """Place the run on a live worker; one that dies while the run is being opened is passed over."""
        for attempt in range(3):
            self._worker = self._pool.place()
            try:
                self._call_on_worker("open", (config,), dict(first_run=first_run))
                return
            except _Gone:
                self._pool.release(self._worker)
                if attempt == 2:
                    raise RuntimeError("no worker process could take this run; try again in a moment") from None

    def _call_on_worker(self, method: str, args: tuple = (), kwargs: dict | None = None) -> Any:
        result, config, run_id = self._worker.call(self.token, method, args, kwargs, self.frame_budget_s)
        if config is not None:
            self.config = config
        if run_id is not None:
            self.run_id = run_id
        return result

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        worker = self._worker
        try:
            return self._call_on_worker(method, args, kwargs)
        except _Gone:
            with self._revive:
                if self._worker is worker:  # not yet brought back by another thread's call
                    self._pool.release(worker)
                    try:
                        self._open(self.config, first_run=self.run_id + 1)
                    except NoRoom:  # the next call tries again
                        raise RunLost("The process training this run stopped, and the run was lost. The server is "
                                      "full: try again in a few minutes.") from None
            raise RunLost("The process training this run stopped, and the run was lost. A new run with the same "
                          "settings is ready: press Play.") from None

    def close(self) -> None:
        """Free the run in its worker (a dead worker has freed it already)."""
        try:
            self._worker.call(self.token, "close")
        except _Gone:
            pass
        self._pool.release(self._worker)


def _forward(name: str):
    def method(self: RemoteSession, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(LabSession, name).__doc__
    return method


for _name in RUN_METHODS:  # Run's methods, each forwarded to the worker as it is
    setattr(RemoteSession, _name, _forward(_name))


def _connection(argv: list[str]) -> Connection:
    """The worker's end: the inherited socket's descriptor, or `--connect PORT` back to the app's listener."""
    if argv[:1] == ["--connect"]:
        return Client(("127.0.0.1", int(argv[1])), authkey=bytes.fromhex(os.environ.pop(KEY_VAR)))
    return Connection(int(argv[0]))


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app; the worker ends when the app's socket does
    _serve(_connection(sys.argv[1:]))
