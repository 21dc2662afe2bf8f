"""Service benchmark: ``dryneedle serve`` on loopback under a bounded load (issue 24).

    python bench/serve.py [--workers 1,2] [--seconds 10] [--memory 100000] [--tool wrk|python]

For each number of workers it starts the installed ``dryneedle serve`` on a free loopback port,
waits for ``/healthz``, and drives it with a fixed number of connections (a closed loop: each
connection sends its next request when the answer to the last arrives): ``wrk`` when it is on
PATH (``apt-get install wrk``), else a small asyncio client here. Reported per case: requests
per second, p50/p95/p99 latency, errors (non-2xx and socket errors); then the server's memory
(RSS of its processes) before and after ``--memory`` JSON requests.

Cases and targets (this machine; docs/service.md):
    JSON page      GET /api/pages/neck-pain            32 connections  p95 <= 20 ms
    Infobutton     GET /infobutton?... (JSON)          32 connections  p95 <= 20 ms
    HTML page      GET /pages/neck-pain                32 connections
    PDF sheet      POST /sheets/aftercare (a patient)   4 connections  p95 <= 400 ms
    memory         --memory JSON requests              flat RSS, 0 errors
The Infobutton case runs when the service has the route (the EHR routes), else says n/a.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SHEET_BODY = "patient=Zo%C3%AB+Bench&area=neck&area=low+back&date=2026-12-01&format=pdf"
INFOBUTTON = (
    "/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
    "&informationRecipient=PAT&knowledgeResponseType=application/json"
)
CASES = [
    # name, method, path, body, connections, target p95 in ms (None: none)
    ("JSON page", "GET", "/api/pages/neck-pain", None, 32, 20),
    ("Infobutton (JSON)", "GET", INFOBUTTON, None, 32, 20),
    ("HTML page", "GET", "/pages/neck-pain", None, 32, None),
    ("PDF sheet", "POST", "/sheets/aftercare", SHEET_BODY, 4, 400),
]

WRK_SCRIPT = """
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
local count = 0
function response(status, headers, body)
  count = count + 1
  if limit > 0 and count >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.stderr:write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _options():
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--seconds", type=int, default=10, help="seconds a case (default 10)")
    parser.add_argument("--memory", type=int, default=100000, help="requests for the RSS case")
    parser.add_argument("--tool", choices=("wrk", "python"), help="load generator")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kib(pid: int) -> int:
    """RSS of ``pid`` and every process under it (uvicorn's workers), in KiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo += [int(c) for c in children]
        except OSError:
            continue
    return total


def _start(workers: int, home: Path) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("dryneedle") or str(Path(sys.executable).parent / "dryneedle")
    port = _free_port()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "DRYNEEDLE_CACHE_DIR": str(home / "cache")}  # fmt: skip
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("dryneedle serve did not start")


def _available(base: str, path: str) -> bool:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status == 200
    except OSError:
        return False


# --------------------------------------------------------------------------- load


def _once(base: str, method: str, path: str, body: str | None) -> None:
    data = body.encode() if body else None
    request = urllib.request.Request(base + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=120) as r:
        r.read()


def _wrk(base, method, path, body, connections, seconds, limit=0) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    threads = min(2, connections)
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body or "",
           "BENCH_LIMIT": str(limit // threads if limit else 0)}  # fmt: skip
    try:
        done = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", f.name, base + path],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
    finally:
        os.unlink(f.name)
    return json.loads(done.stderr.strip().splitlines()[-1])


async def _one_connection(host, port, request: bytes, until, limit, times, errors) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < until and (not limit or len(times) < limit):
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            times.append((time.perf_counter() - start) * 1000)
            if not 200 <= status < 300:
                errors.append(status)
    except (OSError, asyncio.IncompleteReadError):
        errors.append("socket")
    finally:
        writer.close()


def _python(base, method, path, body, connections, seconds, limit=0) -> dict:
    host, port = base.removeprefix("http://").split(":")
    data = (body or "").encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n"
    if data:
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
    request = (head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data
    times: list[float] = []
    errors: list = []

    async def run():
        until = time.monotonic() + seconds
        await asyncio.gather(*[
            _one_connection(host, int(port), request, until, limit, times, errors)
            for _ in range(connections)
        ])  # fmt: skip

    start = time.perf_counter()
    asyncio.run(run())
    took = time.perf_counter() - start
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [0.0] * 99
    return {"requests": len(times), "seconds": took, "p50": q[49], "p95": q[94], "p99": q[98],
            "errors": len(errors)}  # fmt: skip


# --------------------------------------------------------------------------- main


def main() -> int:
    options = _options()
    workers = [int(w) for w in options.workers.split(",")]
    seconds, memory = options.seconds, options.memory
    tool = options.tool or ("wrk" if shutil.which("wrk") else "python")
    load = _wrk if tool == "wrk" else _python
    print(f"load generator: {tool}; {seconds} s per case; CPU cores: {os.cpu_count()}; "
          f"load average at start: {os.getloadavg()[0]:.1f}")  # fmt: skip
    rows = []
    for n in workers:
        print(f"workers: {n} ...", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            proc, base = _start(n, Path(tmp))
            try:
                for name, method, path, body, conns, target in CASES:
                    if method == "GET" and not _available(base, path):
                        rows.append((n, name, conns, None, target))
                        continue
                    for _ in range(n * 2):  # warm up each worker, one request at a time
                        _once(base, method, path, body)
                    # a PDF takes a second or so: three times as long, for enough of them
                    took = seconds * 3 if method == "POST" else seconds
                    rows.append((n, name, conns, load(base, method, path, body, conns, took),
                                 target))  # fmt: skip
                before = _rss_kib(proc.pid)
                # bounded by count: ``memory`` JSON requests, in about the time they take at
                # the JSON case's rate (wrk stops sending at the count, then waits the time out)
                first = next(r for w, c, _, r, _ in rows if w == n and c == CASES[0][0])
                rate = first["requests"] / first["seconds"]
                limit_s = int(memory / max(rate, 1) * 1.5) + 10
                result = load(base, "GET", CASES[0][2], None, 32, limit_s, memory)
                after = _rss_kib(proc.pid)
                rows.append((n, f"memory: {result['requests']:,} JSON requests", 32,
                             {**result, "rss": (before, after)}, None))  # fmt: skip
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    print()
    print("| workers | case | connections | req/s | p50 ms | p95 ms | p99 ms | errors | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, name, conns, r, target in rows:
        if r is None:
            print(f"| {n} | {name} | {conns} | n/a (no such route) | | | | | |")
            continue
        rate = f"{r['requests'] / r['seconds']:,.0f}" if r["seconds"] and "rss" not in r else "-"
        goal = ""
        if target is not None:
            goal = f"p95 ≤ {target}: {'met' if r['p95'] <= target else 'NOT met'}"
        if "rss" in r:
            before, after = r["rss"]
            goal = f"RSS {before / 1024:.1f} → {after / 1024:.1f} MiB"
        print(f"| {n} | {name} | {conns} | {rate} | {r['p50']:.1f} | {r['p95']:.1f} | "
              f"{r['p99']:.1f} | {r['errors']} | {goal} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
