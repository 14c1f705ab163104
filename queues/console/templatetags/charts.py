"""`{% chart_table chart as table %}`: a chart's numbers as (headings, rows), for its table;
`{{ values|sparkline:"label" }}`: a small SVG line of recent values."""

from __future__ import annotations

from django import template

from .. import charts

register = template.Library()


@register.simple_tag
def chart_table(chart: charts.Chart) -> tuple[list[str], list[tuple[str, list[str]]]]:
    return chart.table()


register.filter("sparkline", charts.sparkline)
