"""The ready rule profiles: Hainan (the default, from the seeds), Suzhou, Fujian, Shantou and Qinzhou, after their
published rules for online listing and auction of construction land use rights. Migration 0003 creates them; a
change here needs a new migration that applies it."""

from typing import Any

HAINAN: dict[str, Any] = {
    "countdown_seconds": 300,
    "increment_multiples": False,
    "raise_cap_increments": None,
    "quoting_stop_seconds": 0,
    "quoting_stop_min_bidders": 2,
    "timed_entry": "confirmed",
    "timed_entry_confirm_seconds": 300,
    "auction_conversion": False,
    "conversion_min_bidders": 2,
    "conversion_window_seconds": 3600,
    "conversion_preparation_seconds": 900,
    "reserve_entry": "before_deadline",
    "reserve_lead_seconds": 0,
    "reserve_final_window_seconds": 1800,
}
PRESETS: list[tuple[str, str, dict[str, Any]]] = [
    ("海南（默认）", "海南省建设用地使用权网上交易规则（试行）", HAINAN),
    (
        "苏州",
        "苏州市国有建设用地使用权网上挂牌出让规则",
        {
            **HAINAN,
            "countdown_seconds": 240,
            "increment_multiples": True,
            "raise_cap_increments": 5,
            "quoting_stop_seconds": 3600,
            "timed_entry": "quoted",
            "reserve_entry": "final_window",
        },
    ),
    (
        "福建",
        "福建省国有建设用地使用权网上交易规则",
        {**HAINAN, "timed_entry": "all_qualified", "auction_conversion": True, "reserve_lead_seconds": 3600},
    ),
    ("汕头", "汕头市国有建设用地使用权网上交易规则", HAINAN),
    ("钦州", "钦州市国有建设用地使用权网上挂牌出让规则", {**HAINAN, "timed_entry": "all_qualified"}),
]


def ensure_presets() -> None:
    """Create the presets that are missing (a test database flushed after a transactional test has none)."""
    from auctions.models import RuleProfile

    for name, source, parameters in PRESETS:
        RuleProfile.objects.get_or_create(name=name, is_preset=True, defaults={"source": source, **parameters})
