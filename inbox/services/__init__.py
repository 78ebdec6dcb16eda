"""The only layer that writes: check_* validates, do_* acts. Edges open a unit of work."""

from inbox.runtime import unit_of_work

__all__ = ["unit_of_work"]
