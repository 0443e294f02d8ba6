"""Template helpers shared by every page: sortable headers, times, the ticket chart."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, default: str = "") -> str:
    """A column header linking to the table sorted by ``key``; a second click reverses it."""
    query = context["request"].GET.copy()
    current = query.get("sort") or default
    if current == key:
        next_sort, arrow, state = f"-{key}", "▲", " (sorted ascending)"
    elif current == f"-{key}":
        next_sort, arrow, state = key, "▼", " (sorted descending)"
    else:
        next_sort, arrow, state = key, "", ""
    query["sort"] = next_sort
    query.pop("page", None)
    return format_html(
        '<a class="sort{}" href="?{}">{}<span class="arrow" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a>',
        " sorted" if arrow else "",
        query.urlencode(),
        label,
        arrow,
        state,
    )


@register.simple_tag
def moment(value: datetime | None, empty: str = "never") -> str:
    """``5 minutes ago``, with the exact local time on hover."""
    if value is None:
        return format_html('<span class="muted">{}</span>', empty)
    local = timezone.localtime(value)
    now = timezone.now()
    if value > now:
        words = "just now"
    else:
        words = f"{timesince(value, now, depth=1)} ago"
        if words.startswith("0\xa0minutes"):
            words = "just now"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        words,
    )


@register.filter
def stamp(value: datetime | None) -> str:
    """The exact local time, to the minute."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@dataclass
class Bar:
    x: float
    cx: float
    y: float
    width: float
    height: float
    count: int
    label: str
    tick: str


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(points, title: str = "") -> dict:
    """A small SVG bar chart of ``DayCount`` points, drawn on the server (no scripts)."""
    width, height, top, bottom, left = 560, 170, 14, 26, 28
    plot = height - top - bottom
    slot = (width - left) / max(len(points), 1)
    peak = max((point.count for point in points), default=0)
    scale = max(peak, 1)
    bars = []
    for index, point in enumerate(points):
        bar_height = plot * point.count / scale
        bars.append(
            Bar(
                x=round(left + index * slot + slot * 0.15, 1),
                cx=round(left + index * slot + slot / 2, 1),
                y=round(top + plot - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                count=point.count,
                label=f"{point.day:%a %b} {point.day.day}",
                tick=f"{point.day:%b} {point.day.day}" if index % 2 == 0 else "",
            )
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "baseline": top + plot,
        "top": top,
        "left": left,
        "peak": peak,
        "total": sum(point.count for point in points),
        "title": title,
        "slot": slot,
    }
