"""Administration: the team (users, teams, queues, tokens), channels and what each kind
needs, the record of admin changes, and the demo workspace. See docs/administration.md.
"""
