"""The complaint classifier that learns from the agents (docs/enrichment.md, "Learning from
agents"): labels from their decisions (labels.py), training (training.py, scikit-learn,
loaded only there), versions and status (versions.py), and light scoring at ingest
(scoring.py, active.py) combined with the rules: a complaint when either says so."""
