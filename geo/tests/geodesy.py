"""Independent geodesy for expected values in tests: the meridian arc of an ellipsoid by numerical integration."""

import math

CGCS2000_A = 6378137.0
CGCS2000_F = 1 / 298.257222101


def meridian_arc_m(lat_deg: float, *, a: float = CGCS2000_A, f: float = CGCS2000_F, steps: int = 2000) -> float:
    """Meridian arc from the equator to `lat_deg`: Simpson's rule on M(φ) = a(1−e²)/(1−e²sin²φ)^1.5."""
    e2 = f * (2 - f)
    phi = math.radians(lat_deg)
    h = phi / steps

    def radius(p: float) -> float:
        return a * (1 - e2) / (1 - e2 * math.sin(p) ** 2) ** 1.5

    total = radius(0) + radius(phi) + sum((4 if i % 2 else 2) * radius(i * h) for i in range(1, steps))
    return total * h / 3


def latitude_of_arc(arc_m: float) -> float:
    """The latitude (degrees) whose meridian arc is `arc_m`, by bisection (to 1e-10°, about 0.01 mm)."""
    low, high = 0.0, 89.0
    while high - low > 1e-10:
        middle = (low + high) / 2
        low, high = (middle, high) if meridian_arc_m(middle) < arc_m else (low, middle)
    return (low + high) / 2
