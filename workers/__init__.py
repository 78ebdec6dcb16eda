"""RQ entry points (thin: one service call each), the periodic schedule, and the worker and
cron processes that live through backend outages. Queue names live in inbox.jobs."""
