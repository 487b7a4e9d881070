"""The process dashboards' figures over a period, computed in the background (like Camunda Optimize's import).

Cycle-time percentiles, throughput and breaches over 7 to 90 days read every task finished in the period: at national
scale that is hundreds of thousands of rows, too many to aggregate on each page view. A scheduled flow
(tasks/dashboards.py) computes them every few minutes into one row per process and period; a page reads that row and
adds what is live (cases at each step now, open incidents), which is always counted afresh.
"""

from django.db import models


class FlowFigures(models.Model):
    flow_class = models.CharField(max_length=200)  # viewflow's flow reference
    days = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)  # see workflows.flow_dashboard.history_figures

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flow_class", "days"], name="one_figures_per_flow_period")]

    def __str__(self) -> str:
        return f"{self.flow_class} over {self.days} days at {self.computed_at:%d %b %Y %H:%M}"
