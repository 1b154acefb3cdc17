"""`growthmap daemon`: collect on the `[schedule]` until stopped.

- `service`: wires a `Daemon` to the config, the ledger and `run_collect`.
- `loop`: the loop itself (wait for the next due run, collect, run the hooks), with
  everything that has side effects injected.
- `hooks`: what runs after each run; `jobs`: the weekly jobs (the weekly export).
- `state`: the daemon's state file and lock; `status`: its lines in `growthmap status`.

It sits above `collect` and `export`, which it calls; the schedule arithmetic it plans
with is `collector.schedule`.
"""
