"""RQ entry points: thin jobs (a database session, one service call), queue names, cron list."""
