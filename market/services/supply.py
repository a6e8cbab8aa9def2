"""Services: supply."""


def supply_expire_due() -> int:
    """Expire what was published six months ago or more; the number expired."""
    raise NotImplementedError
