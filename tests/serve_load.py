#!/usr/bin/env python3
"""Load `gazette serve` and watch what it holds.

    tests/serve_load.py PID PORT PATH [--downloads N] [--idle N] [--rss-mb MB]

PID is the server's process, PORT its port on 127.0.0.1 and PATH a large
static file it serves. Two cases, each printed with its figures:

  downloads  N clients (default 100) fetch PATH at once, reading slowly
             enough that all are in flight together; the server's resident
             memory, sampled throughout, must stay under --rss-mb (200).
  idle       N connections (default 1,030) each send half a request and
             wait; a new client must still get a page, within 2 s.

Exit 0 when both hold, 1 (with the reason) when not. Needs nothing beyond
the standard library.
"""
import argparse
import os
import resource
import socket
import sys
import threading
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def get(port, path, timeout=5.0):
    """One GET on a fresh connection: (status, body length, seconds)."""
    t = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    return status, len(body), time.monotonic() - t


def downloads(pid, port, path, n, limit_mb):
    start = threading.Barrier(n + 1)
    got = [0] * n
    errors = []

    def client(i):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            # a small receive buffer keeps every download in flight for a while
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            start.wait()
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            total = len(data.partition(b"\r\n\r\n")[2])
            while True:
                chunk = s.recv(256 * 1024)
                if not chunk:
                    break
                total += len(chunk)
            got[i] = total
            s.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    before = rss_kb(pid)
    start.wait()
    t0 = time.monotonic()
    peak = before
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_kb(pid))
        time.sleep(0.02)
    secs = time.monotonic() - t0
    size = max(got)
    done = sum(1 for g in got if g == size and g > 0)
    print(f"downloads: {n} clients, {done} got all {size} bytes in {secs:.2f} s; "
          f"server RSS {before // 1024} MB before, peak {peak // 1024} MB")
    if errors:
        return f"{len(errors)} downloads failed: {errors[0]}"
    if done != n:
        return f"only {done} of {n} downloads were complete"
    if peak > limit_mb * 1024:
        return f"the server's RSS reached {peak // 1024} MB (limit {limit_mb} MB)"
    return None


def idle(port, n):
    held = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: half sent
            held.append(s)
        time.sleep(0.3)
        status, length, secs = get(port, "/", timeout=5)
        print(f"idle: {len(held)} half-sent requests open; a new GET / answered {status} "
              f"({length} bytes) in {secs:.3f} s")
        if status != 200:
            return f"a new request got {status} with {n} idle connections open"
        if secs > 2:
            return f"a new request took {secs:.1f} s with {n} idle connections open"
        return None
    except OSError as e:
        return f"after {len(held)} idle connections: {e}"
    finally:
        for s in held:
            s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pid", type=int)
    ap.add_argument("port", type=int)
    ap.add_argument("path")
    ap.add_argument("--downloads", type=int, default=100)
    ap.add_argument("--idle", type=int, default=1030)
    ap.add_argument("--rss-mb", type=int, default=200)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.idle + a.downloads + 64
    if soft < want and (hard == resource.RLIM_INFINITY or hard >= want):
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    problems = [p for p in (downloads(a.pid, a.port, a.path, a.downloads, a.rss_mb),
                            idle(a.port, a.idle)) if p]
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
