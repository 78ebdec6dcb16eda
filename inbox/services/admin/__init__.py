"""Administration: users, teams and tokens, channels, the demo workspace."""
