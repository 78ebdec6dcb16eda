"""Reports: the figures' definitions (measures) and the reports built on them.
See docs/reports.md.
"""
