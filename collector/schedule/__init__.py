"""When unattended runs are due, as pure arithmetic on times: durations and the two kinds
of schedule (`spec`), cron expressions (`cron`), and next-run planning with jitter,
backoff and catch-up (`plan`). No I/O and nothing of growthmap: the daemon
(`collector.daemon`) and the config loader use it."""
