"""`tracker serve`: uvicorn with uvloop and httptools, one process per worker.

Each worker binds its own listening socket with SO_REUSEPORT, so the kernel spreads new
connections evenly over the workers (with one shared socket, whichever worker wakes first takes
the connection, and under load one worker got most of them while the other idled). Access logs
are off unless asked for: at a few thousand requests a second, writing a log line per request was
a measurable share of the floor; a reverse proxy in front keeps the access log in production.
A worker that dies is started again.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time

import uvicorn

APP = "tracker.app:create_app"


def _config(app: str, host: str, port: int, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(app, factory=True, host=host, port=port, proxy_headers=True, loop="uvloop", http="httptools",
                          log_level="info", access_log=access_log, timeout_keep_alive=30)


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(app: str, app_dir: str | None, host: str, port: int, access_log: bool) -> None:
    if app_dir:
        sys.path.insert(0, app_dir)
    sock = _socket(host, port)
    uvicorn.Server(_config(app, host, port, access_log)).run(sockets=[sock])


def serve(host: str, port: int, workers: int = 1, access_log: bool = False, app: str = APP, app_dir: str | None = None) -> None:
    """Serve `app` (a factory); benchmarks/bare_app.py serves its own app through here too, so
    the floor it measures is served exactly the same way."""
    if app_dir:
        sys.path.insert(0, app_dir)
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, factory=True, host=host, port=port, proxy_headers=True, loop="uvloop", http="httptools",
                    log_level="info", access_log=access_log, workers=max(1, workers), timeout_keep_alive=30)
        return
    # Fail here, in the parent, when the port is taken (rather than in every worker).
    _socket(host, port).close()
    context = multiprocessing.get_context("spawn")
    processes: list[multiprocessing.Process] = []
    stopping = False

    def start() -> multiprocessing.Process:
        process = context.Process(target=_worker, args=(app, app_dir, host, port, access_log), daemon=False)
        process.start()
        return process

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    processes = [start() for _ in range(workers)]
    print(f"tracker: serving on http://{host}:{port} with {workers} workers (pids {', '.join(str(p.pid) for p in processes)})",
          file=sys.stderr, flush=True)
    while not stopping:
        time.sleep(0.5)
        for i, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                print(f"tracker: worker {process.pid} exited ({process.exitcode}); starting another", file=sys.stderr, flush=True)
                processes[i] = start()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=30)
