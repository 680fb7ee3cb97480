"""Speed measurements for the README (not a test: no timing thresholds live in the test suite).

    python scripts/perf.py collect [--tasks 1346]
        plugin import time and the cost of collecting N tasks (synthesised from the shipped ones)
    python scripts/perf.py run [--tasks 1346] [--latency 1] [--workers 2] [--concurrency 32]
        a full run against the loopback server with a fixed latency per answer and per judge call,
        then the same run again on a warm cache

Prints wall time, the ideal wall time for the configured concurrency, their ratio, calls made,
cache hits, the controller's peak memory, and the CPU time of pytest (with its workers) and of
the loopback server, which shares the machine with them. The ideal keeps every call place busy
from the first call to the last: a task is two calls of one latency each, so n tasks on c places
in one process take at least ⌈2n/c⌉ latencies, and xdist workers split the tasks evenly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xpert_pytest.data.dataset import load_benchmark  # noqa: E402
from xpert_pytest.testing.loopback import LoopbackServer  # noqa: E402

_STARTED = 0.0
# Python's bytecode cache on, as an installed package has it: a shell with PYTHONDONTWRITEBYTECODE
# makes every process of the run compile this package and re-rewrite pytest plugins' asserts.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV |= {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def synthesise(count: int, dest: Path) -> Path:
    """`count` tasks cloned round-robin from the shipped set under new ids, with their anchors."""
    bench = load_benchmark(str(ROOT / "benchmark"))
    tasks, anchors = [], []
    for n in range(count):
        source = bench.tasks[n % len(bench.tasks)]
        new_id = f"{source.id}-s{n:04d}"
        tasks.append(source.model_copy(update={"id": new_id, "prompt": f"[variant {n}] {source.prompt}"}))
        anchors += [a.model_copy(update={"task_id": new_id}) for a in bench.exemplars.get(source.id, [])]
    (dest / "benchmark" / "data").mkdir(parents=True)
    (dest / "exemplars").mkdir()
    shutil.copy(ROOT / "benchmark" / "README.md", dest / "benchmark" / "README.md")  # the card declares the taxonomy
    by_domain: dict[str, list[str]] = {}
    for task in tasks:
        by_domain.setdefault(task.domain, []).append(task.model_dump_json())
    for domain, lines in by_domain.items():
        (dest / "benchmark" / "data" / f"{domain}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (dest / "exemplars" / "anchors.jsonl").write_text("\n".join(a.model_dump_json() for a in anchors) + "\n", encoding="utf-8")
    return dest / "benchmark"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pytest(args: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Run pytest, returning wall time and the controller's peak RSS in kB (VmHWM, polled)."""
    global _STARTED
    started = _STARTED = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0

    def poll() -> None:
        nonlocal peak
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.2)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, err = process.communicate()
    wall = time.monotonic() - started
    watcher.join()
    return wall, peak, subprocess.CompletedProcess(process.args, process.returncode, out, err)


def collect(args: argparse.Namespace) -> None:
    importtime = subprocess.run([sys.executable, "-X", "importtime", "-c", "import xpert_pytest.plugin.hooks"],
                                capture_output=True, text=True, env=ENV).stderr
    own = sum(int(line.split("|")[0].split(":")[1]) for line in importtime.splitlines()
              if line.strip().endswith(tuple(["xpert_pytest", "xpert_pytest.plugin", "xpert_pytest.plugin.hooks", "xpert_pytest.plugin.collect"])))
    print(f"plugin import, own modules (self time): {own / 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthesise(args.tasks, Path(tmp))
        (Path(tmp) / "test_empty.py").write_text("def test_nothing():\n    pass\n")
        base, _, _ = _pytest(["--collect-only", "-q", "test_empty.py"], Path(tmp))
        wall, _, done = _pytest(["--collect-only", "-q", "--xpert-model=xpert/anchor", f"--xpert-dataset={folder}"], Path(tmp))
        assert f"{args.tasks} tests collected" in done.stdout, done.stdout[-500:] + done.stderr[-2000:]
        print(f"pytest --collect-only, plain: {base:.2f} s; with {args.tasks} tasks: {wall:.2f} s; "
              f"cost of the benchmark collection: {wall - base:.2f} s")


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(latency=args.latency) as server:
        folder = synthesise(args.tasks, Path(tmp))
        common = [
            "-q", "--xpert-model=openai/perf-model", "--xpert-judge=openai/perf-judge", f"--xpert-dataset={folder}",
            f"--xpert-concurrency={args.concurrency}", f"--xpert-cache={tmp}/cache.sqlite", f"--xpert-report-dir={tmp}/reports",
        ]
        for side in ("model", "judge"):
            common += [f"--xpert-{side}-arg", f"api_base={server.api_base}", f"--xpert-{side}-arg", "api_key=sk-perf"]
        if args.workers:
            common += ["-n", str(args.workers)]
        in_flight = args.concurrency * max(args.workers, 1)
        per_process = math.ceil(args.tasks / max(args.workers, 1))
        ideal = max(math.ceil(2 * per_process / args.concurrency), 2) * args.latency
        cold_scores: dict[str, float | None] | None = None
        for label in ("cold", "warm cache"):
            before = server.stats.requests
            server.stats.first_request_at = server.stats.last_response_at = None
            runner_cpu, server_cpu = _children_cpu(), time.process_time()
            wall, peak, done = _pytest(common, Path(tmp))
            runner_cpu, server_cpu = _children_cpu() - runner_cpu, time.process_time() - server_cpu
            results = max(Path(tmp, "reports").glob("*/results.json"), key=lambda p: p.stat().st_mtime_ns)
            run = json.loads(results.read_text())
            scores = {t["task_id"]: t["score"] for t in run["tasks"]}
            same = "" if cold_scores is None else f", scores identical to the cold run: {'yes' if scores == cold_scores else 'NO'}"
            cold_scores = cold_scores or scores
            print(f"{label}: {args.tasks} tasks, {in_flight} in flight, exit {done.returncode}: wall {wall:.1f} s, "
                  f"ideal {ideal:.1f} s, ratio {wall / ideal if ideal else float('nan'):.2f}, "
                  f"calls {server.stats.requests - before}, cache hits {run['summary']['cached_calls']}, "
                  f"peak in flight {server.stats.peak_in_flight}, controller peak RSS {peak / 1024:.0f} MB{same}")
            first, last = server.stats.first_request_at, server.stats.last_response_at
            if first is not None and last is not None:
                print(f"  of which: start-up to the first call {first - _STARTED:.1f} s, calls {last - first:.1f} s "
                      f"(ratio to ideal {(last - first) / ideal:.2f}), after the last answer {_STARTED + wall - last:.1f} s")
            print(f"  CPU: pytest and its workers {runner_cpu:.1f} s, the loopback server (this process) {server_cpu:.1f} s")
            if done.returncode not in (0, 1):
                print(done.stdout[-3000:], done.stderr[-3000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("collect")
    c.add_argument("--tasks", type=int, default=1346)
    c.set_defaults(run=collect)
    r = commands.add_parser("run")
    r.add_argument("--tasks", type=int, default=1346)
    r.add_argument("--latency", type=float, default=1.0)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--concurrency", type=int, default=32)
    r.set_defaults(run=run)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
