"""SLA: clocks on a business-hours calendar, policies, and the periodic sweep.
See docs/routing-and-sla.md.
"""
