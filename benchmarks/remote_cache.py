"""Cold `doit` in a fresh clone vs `doit` in a second clone filled from the shared cache.

Clones this repository twice (at different paths) into a temporary folder, starts
nginx with WebDAV on 127.0.0.1 as a Bazel remote-cache HTTP server (or uses
``--url``), runs `doit` in the first clone (cold: every compile, uploads) and then
in the second (downloads).  Prints the seconds and Mojo compiles of each, and
whether their summaries are the same.  Benchmarks are left out by default
(their measurements belong to one machine and are never shared).

    python benchmarks/remote_cache.py
    python benchmarks/remote_cache.py --url http://127.0.0.1:9090 --tasks build test report
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import gauntlet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from cacheserver import compiles

HERE = Path(__file__).resolve().parent.parent
NGINX = """daemon off; master_process off; pid {b}/nginx.pid; error_log {b}/error.log;
events {{ worker_connections 64; }}
http {{ client_body_temp_path {b}/body; access_log {b}/access.log; client_max_body_size 0;
  server {{ listen 127.0.0.1:{port}; root {b}/data;
    location / {{ dav_methods PUT; create_full_put_path on; }} }} }}
"""


def start_nginx(base: Path) -> tuple[subprocess.Popen[bytes], str]:
    """nginx with WebDAV on a free port; its process and URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (base / "data").mkdir(parents=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (base / "nginx.conf").write_text(NGINX.format(b=base, port=port), encoding="utf-8")
    process = subprocess.Popen([nginx, "-p", str(base), "-c", str(base / "nginx.conf")])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/cas/none", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.05)
    return process, url


def doit(clone: Path, url: str, tasks: list[str]) -> tuple[float, int, int, str]:
    """Run doit in a clone: wall seconds, compiles, entries from the cache, summary lines."""
    env = {**os.environ, "GAUNTLET_CACHE_URL": url, "GAUNTLET_HISTORY": "off"}
    env["PYTHONPATH"] = str(Path(gauntlet.__file__).parents[1])
    env.pop("GITHUB_EVENT_NAME", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "doit", *tasks], cwd=clone, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    record = json.loads((clone / "sample/.gauntlet/runs/last-doit-run.json").read_text())
    cached = sum(1 for t in record["tasks"] if t.get("values", {}).get("cached"))
    lines = [ln.replace(str(clone), "<clone>") for ln in done.stdout.splitlines()]
    skip = ("✓", "✗", "gauntlet:", "reports:", "      ")  # task lines, their details, the tally
    summary = "\n".join(ln for ln in lines if ln.strip() and not ln.startswith(skip))
    if done.returncode not in (0, 1):
        print(done.stdout[-2000:], done.stderr[-2000:])
    return wall, compiles(record), cached, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="", help="a running cache server (default: nginx)")
    parser.add_argument("--tasks", nargs="*", default=["toolchain", "build", "test", "report"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gauntlet-remote-cache-") as tmp:
        base = Path(tmp)
        process = None
        url = args.url
        if not url:
            process, url = start_nginx(base / "nginx")
        try:
            clones = [base / "one", base / "deeper" / "two"]
            for clone in clones:
                subprocess.run(["git", "clone", "-q", str(HERE), str(clone)], check=True)
            cold = doit(clones[0], url, args.tasks)
            warm = doit(clones[1], url, args.tasks)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    print(f"cache server: {url if args.url else 'nginx WebDAV on 127.0.0.1'}; tasks: {args.tasks}")
    print(
        f"first clone (cold):        {cold[0]:6.1f} s, {cold[1]} compiles, {cold[2]} from the cache"
    )
    print(
        f"second clone (from cache): {warm[0]:6.1f} s, {warm[1]} compiles, {warm[2]} from the cache"
    )
    same, size = cold[3] == warm[3], len(cold[3].splitlines())
    print(f"ratio second/first: {warm[0] / cold[0]:.3f}; same summary ({size} lines): {same}")


if __name__ == "__main__":
    main()
