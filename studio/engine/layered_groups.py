from .world.attributes import GROUPS


def group_slices() -> dict[str, tuple[int, int]]:
    """group -> (start, end) in the conditioning vector."""
    out, start = {}, 0
    for name, values in GROUPS.items():
        out[name] = (start, start + len(values))
        start += len(values)
    return out
