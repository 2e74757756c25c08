"""``python -m bench autoassign``: the auto-assign solver (CP-SAT) side by side with the greedy
baseline (first available qualified official, the way most products fill slots) on generated
seasons of 50, 500 and 5,000 slots (``bench/autoassign_season.py``, fixed seeds), plus the
Traveling Umpire Problem instance ``umps8`` as an external anchor.

For each size, in one run: hard violations found by the independent checker
(``autoassign.check.violations``; must be 0); slots filled against the maximum, which is
reached when the solver's fill equals its proved bound (``bound_filled``) and otherwise the
smallest of the proved upper bounds, marked "≤" (the fill rate is then a lower estimate): the
solver's own, the matching bound ``autoassign.bound.fill_bound``, and a separate *proof run*
``autoassign.decompose.season_bound`` (every local date maximised alone by CP-SAT without
week and month limits, ``--proof-seconds-per-day``, 5 s by default; the sum of the days'
maxima or bounds bounds the season); games per official
(max − min and standard deviation; the mean distance from each official's fair share of
the games and of the fees, ``autoassign.fairness``: their wish, capped by what they can
hold — the objective's ``fairness`` and ``fee_fairness`` per official); total travel (km,
``autoassign.travel.travel_km``); how many slots left empty carry an explanation; solve time
(wall clock, the whole call) and memory. Each method runs in a fresh process
(``spawn``); memory is that process's peak resident set (``getrusage`` ``ru_maxrss``, so
CP-SAT's native memory counts) minus its resident set just before the call: "peak RSS growth".

The TUP run (``--tup PATH``, default ``../shared/data/tup/umps8.txt`` next to the checkout or
its main worktree; skipped when absent) maps umpires to officials and games to slots
(``autoassign.tup``) with q1 = 4 and q2 = 2 and reports the total distance reached, whether the
solver proved it optimal, the TUP rules checked independently, and the time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from bench.autoassign_season import describe, season
from refdesk.server.autoassign import tup
from refdesk.server.autoassign.instance import Instance, Options, Proposal

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
SECONDS = {50: 15.0, 500: 150.0, 5000: 60.0}
"""The solver's time limit per size: 60 s for 5,000 slots is the issue's; 500 gets what the
fill by decomposition needs to reach and prove its maximum on a shared machine."""
PROOF_SECONDS_PER_DAY = 5.0


def find_umps8() -> Path | None:
    """``../shared/data/tup/umps8.txt`` beside this checkout, or beside its main worktree
    (a ``git worktree`` names it in its ``.git`` file); None when neither exists."""
    candidates = [ROOT.parent / "shared"]
    git = ROOT / ".git"
    if git.is_file() and git.read_text().startswith("gitdir:"):
        gitdir = Path(git.read_text().split(":", 1)[1].strip())
        # <main>/.git/worktrees/<name> -> <main>/../shared
        candidates.append(gitdir.parent.parent.parent.parent / "shared")
    for shared in candidates:
        path = shared / "data" / "tup" / "umps8.txt"
        if path.is_file():
            return path
    return None


class Printer:
    """The solver's progress as lines, at most one every 2 s unless the phase changes."""

    def __init__(self, label: str) -> None:
        self.label, self.phase, self.at = label, "", 0.0

    def __call__(self, phase: str, fraction: float) -> None:
        now = time.monotonic()
        if phase != self.phase or now - self.at >= 2.0:
            print(f"  {self.label}: {phase} ({fraction:.0%})", flush=True)
            self.phase, self.at = phase, now


@dataclass(frozen=True)
class Run:
    method: str
    proposal: Proposal
    seconds: float
    rss_growth_mib: float
    violations: tuple[str, ...]
    travel_km: float


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measured(method: str, instance: Instance, options: Options, label: str) -> Run:
    """One method on one instance (run in a fresh process: see the module's memory note)."""
    from refdesk.server.autoassign.check import violations
    from refdesk.server.autoassign.greedy import greedy
    from refdesk.server.autoassign.solver import solve
    from refdesk.server.autoassign.travel import travel_km

    before = rss_kib()
    started = time.perf_counter()
    if method == "cp-sat":
        proposal = solve(instance, options, Printer(label))
    else:
        proposal = greedy(instance, options)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    found = violations(instance, options, proposal.fills)
    travel = travel_km(instance, {f.slot_id: f.official_id for f in proposal.fills})
    return Run(method, proposal, seconds, max(0, peak - before) / 1024, tuple(found), travel)


def fresh(method: str, instance: Instance, options: Options, label: str) -> Run:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measured, method, instance, options, label).result()


@dataclass(frozen=True)
class SizeResult:
    size: int
    summary: str
    bound: int
    runs: tuple[Run, ...]
    proof: int | None = None
    """The proof run's bound (``decompose.season_bound``); None when not run."""


def run_size(size: int, seconds: float, workers: int, proof_per_day: float) -> SizeResult:
    from refdesk.server.autoassign.bound import fill_bound
    from refdesk.server.autoassign.decompose import season_bound

    instance = season(size, SEED)
    options = Options(time_limit_seconds=seconds, workers=workers, seed=0)
    print(f"[{size} slots] {describe(instance)}", flush=True)
    bound = fill_bound(instance, options)
    print(f"[{size} slots] matching bound: {bound} slots; greedy …", flush=True)
    runs = [fresh("greedy", instance, options, f"greedy {size}")]
    print(f"[{size} slots] CP-SAT, {seconds:g} s limit, {workers} workers …", flush=True)
    runs.append(fresh("cp-sat", instance, options, f"cp-sat {size}"))
    for run in runs:
        print(f"[{size} slots] {run.method}: {len(run.proposal.fills)} filled, "
              f"{len(run.violations)} violations, {run.seconds:.1f} s", flush=True)  # fmt: skip
    proof = None
    filled = len(runs[-1].proposal.fills)
    if runs[-1].proposal.bound_filled != filled and proof_per_day > 0:
        days = len({s.local_date for s in instance.slots})
        print(f"[{size} slots] proof run: {days} days, {proof_per_day:g} s each …", flush=True)
        proof = season_bound(instance, options, proof_per_day * days)
        print(f"[{size} slots] proof run: at most {proof} slots", flush=True)
    return SizeResult(size, describe(instance), bound, tuple(runs), proof)


def spread(instance: Instance, run: Run) -> tuple[int, float, float, float]:
    """Games per official: max − min, standard deviation; the mean |games − fair share| and
    |fees − fee share| (dollars) per official, from the proposal's objective (computed the
    same way for both methods)."""
    held = Counter(f.official_id for f in run.proposal.fills)
    counts = [held[o.id] for o in instance.officials]
    officials = len(instance.officials)
    return (
        max(counts) - min(counts),
        statistics.pstdev(counts),
        run.proposal.objective.fairness / 100 / officials,
        run.proposal.objective.fee_fairness / 100 / officials,
    )


def maximum(result: SizeResult) -> tuple[int, bool]:
    """The most slots any assignment fills, and whether a fill reaches it: the solver reached
    it when its proved bound equals what it filled; else the tightest proved upper bound (the
    solver's, the matching bound, the proof run's, the slot count)."""
    solver = next(r for r in result.runs if r.method == "cp-sat")
    filled, bound = len(solver.proposal.fills), solver.proposal.bound_filled
    bounds = [b for b in (bound, result.bound, result.proof, result.size) if b is not None]
    if min(bounds) <= filled:
        return filled, True
    return min(bounds), False


def size_rows(result: SizeResult) -> list[str]:
    instance = season(result.size, SEED)
    most, proven = maximum(result)
    rows = []
    for run in result.runs:
        filled = len(run.proposal.fills)
        gap, std, share, fees = spread(instance, run)
        rows.append(
            f"| {result.size} | {run.method} | {run.proposal.status} | {len(run.violations)} "
            f"| {filled} | {most if proven else f'≤ {most}'} | {filled / most:.1%} | {gap} "
            f"| {std:.2f} | {share:.2f} | {fees:,.0f} | {run.travel_km:,.0f} "
            f"| {explained(run)} | {run.seconds:.1f} | {run.rss_growth_mib:.0f} |"
        )
    return rows


def explained(run: Run) -> str:
    """Empty slots that carry an explanation (a summary in words) / slots left empty."""
    empty = run.proposal.empty
    return f"{sum(1 for e in empty if e.summary.strip())}/{len(empty)}"


@dataclass(frozen=True)
class TupResult:
    path: Path
    q1: int
    q2: int
    runs: tuple[Run, ...]
    distances: tuple[int, ...]
    tup_violations: tuple[tuple[str, ...], ...]


def run_tup(path: Path, q1: int, q2: int, seconds: float, workers: int) -> TupResult:
    problem = tup.parse(path.read_text())
    instance = tup.to_instance(problem)
    options = tup.options(q1, q2, time_limit_seconds=seconds, workers=workers)
    facts = f"{problem.teams} teams, {problem.rounds} rounds, {len(instance.slots)} games"
    print(f"[tup] {path.name}: {facts}, {problem.umpires} umpires, q1={q1} q2={q2}", flush=True)
    runs = []
    for method in ("greedy", "cp-sat"):
        print(f"[tup] {method} …", flush=True)
        runs.append(fresh(method, instance, options, f"tup {method}"))
    distances = tuple(tup.total_distance(instance, r.proposal.fills) for r in runs)
    found = tuple(tuple(tup.violations(problem, q1, q2, r.proposal.fills)) for r in runs)
    for run, distance, broken in zip(runs, distances, found, strict=True):
        print(f"[tup] {run.method}: {run.proposal.status}, distance {distance}, "
              f"{len(broken)} TUP rules broken, {run.seconds:.1f} s", flush=True)  # fmt: skip
    return TupResult(path, q1, q2, tuple(runs), distances, found)


def tup_rows(result: TupResult) -> list[str]:
    rows = []
    found = zip(result.runs, result.distances, result.tup_violations, strict=True)
    for run, distance, broken in found:
        proved = "yes" if run.proposal.status == "optimal" else "no"
        rows.append(
            f"| {result.path.stem} | {run.method} | {len(run.proposal.fills)} | {distance:,} "
            f"| {proved if run.method == 'cp-sat' else '—'} | {len(broken)} "
            f"| {len(run.violations)} | {run.seconds:.1f} | {run.rss_growth_mib:.0f} |"
        )
    return rows


def machine() -> list[str]:
    import ortools

    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return [
        f"- {os.cpu_count()} CPUs ({cpu}), shared with other engineers' test runs: the times "
        "are noisy, and so are CP-SAT's counts (how much search fits in its time limit); "
        "greedy's are deterministic.",
        f"- Python {platform.python_version()}, OR-Tools {ortools.__version__}; load average "
        f"at the end {', '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min).",
    ]


def report(argv: list[str], sizes: list[SizeResult], tups: list[TupResult], took: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"# refdesk auto-assign benchmark, {stamp} UTC",
        "",
        f"Command: `{' '.join(['python -m bench autoassign', *argv])}`",
        "",
        *machine(),
        f"- Total run time {took:.0f} s.",
        "",
        "## Method",
        "",
        *(__doc__ or "").strip().splitlines(),
        "",
    ]
    if sizes:
        lines += ["## Generated seasons", ""]
        lines += [
            f"- {r.size}: {r.summary}; matching bound {r.bound}"
            + ("." if r.proof is None else f"; proof run bound {r.proof}.")
            for r in sizes
        ]
        lines += [
            "",
            "| slots | method | status | hard violations | filled | maximum | fill rate "
            "| games/official max−min | std | mean abs(games − fair share) "
            "| mean abs(fees − fee share) $ | travel km "
            "| empty slots explained | seconds | peak RSS growth MiB |",
            "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for result in sizes:
            lines += size_rows(result)
        lines.append("")
    for result in tups:
        lines += [
            f"## Traveling Umpire Problem: {result.path.name}, q1 = {result.q1}, q2 = {result.q2}",
            "",
            "| instance | method | games umpired | total distance | optimality proved "
            "| TUP rules broken | hard violations (check) | seconds | peak RSS growth MiB |",
            "|---|---|---:|---:|---|---:|---:|---:|---:|",
            *tup_rows(result),
            "",
            "The greedy baseline cannot look ahead: it leaves games without an umpire and umpires "
            "who never see some venue (its broken rules are counted above); it is shown for "
            "contrast, not as a TUP solution.",
            "",
        ]
    return "\n".join(lines) + "\n"


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench autoassign", description=__doc__)
    p.add_argument("--sizes", default="50,500,5000", help="comma list of slot counts")
    p.add_argument("--seconds", type=float, help="CP-SAT time limit for every size")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--proof-seconds-per-day",
        type=float,
        default=PROOF_SECONDS_PER_DAY,
        help="the proof run's CP-SAT time per local date (0: no proof run)",
    )
    p.add_argument("--tup", type=Path, default=find_umps8(), help="a TUP file (umps8.txt)")
    p.add_argument("--no-tup", action="store_true", help="skip the TUP run")
    p.add_argument("--tup-seconds", type=float, default=60.0)
    p.add_argument("--q1", type=int, default=4)
    p.add_argument("--q2", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return p.parse_args(argv)


def main(argv: list[str]) -> Path:
    args = parse(argv)
    started = time.monotonic()
    sizes = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        limit = args.seconds if args.seconds is not None else SECONDS.get(size, 60.0)
        sizes.append(run_size(size, limit, args.workers, args.proof_seconds_per_day))
    tups = []
    if args.no_tup:
        pass
    elif args.tup is None or not Path(args.tup).is_file():
        print(f"[tup] skipped: no TUP file ({args.tup or 'umps8.txt not found'})", flush=True)
    else:
        tups.append(run_tup(Path(args.tup), args.q1, args.q2, args.tup_seconds, args.workers))
    text = report(argv, sizes, tups, time.monotonic() - started)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    path: Path = args.out / f"{stamp}-{platform.node() or 'machine'}-autoassign.md"
    path.write_text(text)
    print(text)
    print(f"written: {path}")
    return path
