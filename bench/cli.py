"""`python -m bench` (or `scripts/bench`): build the data sets, run the scenarios, write RESULTS.md.

    python -m bench                       # full: 1M + 100k leads, SQLite and PostgreSQL
    python -m bench --quick               # small data, a few seconds a scenario (CI's smoke check)
    python -m bench --only search,list_page --databases sqlite
    python -m bench soak --seconds 300    # concurrent mixed load, then every acknowledged write checked

Results of each scenario are kept in OUT/results.json, so a run of a few scenarios updates
RESULTS.md without losing the others. Built databases are reused while they match.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench import machine, report, scenarios, soak, wrk
from bench.databases import DEFAULT_PG, Database, for_kind
from bench.prepare import SEED_LEADS, prepare
from bench.stats import Result

BENCH_DIR = Path(__file__).resolve().parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small data, short runs: a smoke check.")
    parser.add_argument("--databases", default="sqlite,postgres", help="Comma-separated: sqlite, postgres.")
    parser.add_argument(
        "--only", default="", help="Comma-separated scenarios: " + ", ".join(scenarios.SCENARIOS)
    )
    parser.add_argument("--leads", type=int, default=None, help="Leads in the big organization (1,000,000).")
    parser.add_argument(
        "--seed-leads",
        type=int,
        default=None,
        help="Leads per organization built through leadbase's bulk path, the rest copied in SQL "
        "(10,000; quick 500).",
    )
    parser.add_argument("--small", type=int, default=None, help="Leads in the small organization (100,000).")
    parser.add_argument("--repeats", type=int, default=None, help="Runs per figure (3; quick 2).")
    parser.add_argument("--seconds", type=float, default=None, help="Seconds per load run (10; quick 1).")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections for throughput runs.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (both sides of a ratio).")
    parser.add_argument("--bulk-sample", type=int, default=None, help="Leads per repeated bulk comparison.")
    parser.add_argument("--no-raw-full", action="store_true", help="Skip the raw copy of the full data set.")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the data sets even if they match.")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="A PostgreSQL server: databases are made on it.")
    parser.add_argument("--out", default=None, help="Where results.json, logs and databases go.")
    parser.add_argument(
        "--db-name",
        default=None,
        help="Database (file) name: leadbase_bench, leadbase_bench_quick in quick mode.",
    )
    parser.add_argument("--results", default=None, help="The Markdown file to write.")
    parser.add_argument("--install-wrk", action="store_true", help="apt-get install wrk if missing (root).")
    parser.add_argument("--drop", action="store_true", help="Drop the benchmark databases at the end.")
    parser.add_argument(
        "--report-only", action="store_true", help="Only write RESULTS.md from the stored results."
    )
    return parser.parse_args(argv)


def config(args: argparse.Namespace) -> scenarios.Config:
    quick = bool(args.quick)
    return scenarios.Config(
        quick=quick,
        leads=args.leads or (2000 if quick else 1_000_000),
        small=args.small or (500 if quick else 100_000),
        repeats=args.repeats or (2 if quick else 3),
        seconds=args.seconds or (1.0 if quick else 10.0),
        connections=args.connections,
        write_connections=8,
        workers=args.workers,
        bulk_sample=args.bulk_sample or (500 if quick else 20_000),
        raw_full=not args.no_raw_full and not quick,
        seed_leads=args.seed_leads or (500 if quick else SEED_LEADS),
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        wrk.install_wrk() if args.install_wrk else wrk.find_wrk()
    except wrk.WrkMissing as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    cfg = config(args)
    out = Path(args.out) if args.out else BENCH_DIR / "out" / ("quick" if cfg.quick else "full")
    out.mkdir(parents=True, exist_ok=True)
    results_md = (
        Path(args.results)
        if args.results
        else (out / "RESULTS.md" if cfg.quick else BENCH_DIR / "RESULTS.md")
    )
    results, datasets, versions = load_stored(out)
    only = [s.strip() for s in args.only.split(",") if s.strip()] or list(scenarios.SCENARIOS)
    unknown = set(only) - set(scenarios.SCENARIOS)
    if unknown:
        print(f"bench: unknown scenarios {sorted(unknown)}", file=sys.stderr)
        return 2
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    started = time.time()
    built: list[Database] = []
    for kind in [] if args.report_only else kinds:
        db = for_kind(
            kind, out, args.pg_url, args.db_name or ("leadbase_bench" + ("_quick" if cfg.quick else ""))
        )
        versions[kind] = db.server_version() or ""
        log(f"{db.label}: preparing the data set")
        state = prepare(db, cfg.leads, cfg.small, out, log, rebuild=args.rebuild, seed_leads=cfg.seed_leads)
        built.append(db)
        datasets[kind] = state.to_json()
        for org in datasets[kind]["orgs"].values():
            org.pop("api_key", None)
        ctx = scenarios.Ctx(cfg, db, state, out, log)
        for name in only:
            log(f"{db.label}: {name}")
            result = scenarios.run(name, ctx)
            results[f"{kind}/{name}"] = result
            for f in result.figures:
                verdict = "" if f.met is None else ("met" if f.met else "MISSED")
                log(f"    {f.name}: median {f.median:.3g} {f.unit} {verdict}")
            if result.error:
                log(f"    ERROR {result.error}")
            store(out, kind, results, datasets[kind], versions[kind])
    header = {
        "mode": "quick (smoke check: small data, short runs)" if cfg.quick else "full",
        "finished": scenarios.now_iso(),
        "this run": "a report of the stored results"
        if args.report_only
        else f"{', '.join(only)} on {', '.join(kinds)} in {(time.time() - started) / 60:.1f} min",
        "sizes": f"{cfg.leads:,} leads (big organization), {cfg.small:,} (small); "
        f"{cfg.repeats} runs of {cfg.seconds:g} s per figure; {cfg.workers} worker(s)",
    }
    facts = machine.facts(versions.get("postgres") or None)
    text = report.render(results, facts, datasets, header, BENCH_DIR / "PROFILE.md")
    soaked = soak.section_of(results_md.read_text()) if results_md.exists() else None
    if soaked:
        text = text.rstrip("\n") + "\n\n" + soaked + "\n"
    results_md.write_text(text)
    log(f"wrote {results_md}")
    if args.drop:
        for db in built:
            db.drop()
    ran = {f"{kind}/{name}" for kind in kinds for name in only}
    return 1 if any(r.error for key, r in results.items() if key in ran) else 0


def store(out: Path, kind: str, results: dict[str, Result], dataset: dict[str, Any], version: str) -> None:
    """One file per database, so runs on SQLite and PostgreSQL can go on at the same time."""
    mine = {k: v.to_json() for k, v in results.items() if k.startswith(kind + "/")}
    data = {"results": mine, "dataset": dataset, "server_version": version}
    (out / f"results-{kind}.json").write_text(json.dumps(data, indent=1))


def load_stored(out: Path) -> tuple[dict[str, Result], dict[str, Any], dict[str, str]]:
    results: dict[str, Result] = {}
    datasets: dict[str, Any] = {}
    versions: dict[str, str] = {}
    for path in sorted(out.glob("results-*.json")):
        kind = path.stem.removeprefix("results-")
        data = json.loads(path.read_text())
        results.update({k: Result.from_json(v) for k, v in data.get("results", {}).items()})
        datasets[kind] = data.get("dataset", {})
        versions[kind] = data.get("server_version", "")
    return results, datasets, versions


if __name__ == "__main__":
    sys.exit(main())
