"""Cases: the state machine, what users do to a case, reading cases, queues, push offers,
agents' presence and who is viewing a case. See docs/cases.md.
"""
