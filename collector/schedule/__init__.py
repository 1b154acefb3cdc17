"""Unattended runs: the `[schedule]` (interval or cron), next-run planning with jitter,
backoff and catch-up, the daemon loop, its state file and post-run hooks.

Kept free of imports here so the config model can use `spec` without loading the daemon.
"""
