"""The small vocabulary of Socket.IO rooms. Services choose recipients from these."""

SUPERVISORS = "supervisors"


def queue_room(queue_id: int) -> str:
    return f"queue:{queue_id}"


def case_room(case_id: int) -> str:
    return f"case:{case_id}"


def agent_room(user_id: int) -> str:
    return f"agent:{user_id}"
