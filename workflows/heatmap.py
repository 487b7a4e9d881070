"""The process diagram with a heat overlay: viewflow's own layout of the flow (the chart of the back office), drawn
again as plain SVG with presentation attributes only (no inline style, for the Content-Security-Policy): each step
coloured by how many cases are at it now, with the count beside its name."""

from functools import cache

from viewflow.workflow import chart

# From no case (grey) to the busiest step (dark orange); the text colour that reads on each.
HEAT = ["#f3f2f1", "#fff7bc", "#fee391", "#fec44f", "#fe9929", "#d95f0e"]
INK = ["#0b0c0c", "#0b0c0c", "#0b0c0c", "#0b0c0c", "#0b0c0c", "#ffffff"]
# Drawn as a diamond, and as a circle; every other node is a box (a step: a person's, automated, or a function).
GATEWAYS = ("SWITCH", "PARALLEL_GATEWAY", "JOIN", "SPLIT", "IF")
EVENTS = ("START", "END", "EVENT")


@cache
def _layout(flow):
    grid = chart.calc_layout_data(flow)
    cells = []
    for cell in grid.cells:
        shape = cell.shape
        cells.append(
            {
                "node": cell.node,
                "x": shape.x,
                "y": shape.y,
                "width": shape.width,
                "height": shape.height,
                "label": shape.label() or "",
                "text": [(text, font_size, x, y) for text, _, font_size, x, y in shape.text],
                "kind": getattr(cell.node, "task_type", ""),
            }
        )
    edges = [" ".join(f"{x},{y}" for x, y in edge.segments) for edge in grid.edges if edge.segments]
    return {"width": grid.width, "height": grid.height, "cells": cells, "edges": edges}


def heatmap(board) -> dict:
    """The diagram of `board.flow` with each measured step's live count and heat (0 to 5)."""
    layout = _layout(board.flow)
    by_node = {step.node: step for step in board.steps}
    cells = []
    for cell in layout["cells"]:
        step = by_node.get(cell["node"])
        heat = step.heat if step else 0
        gateway = cell["kind"] in GATEWAYS
        box = step is not None or not (gateway or cell["kind"] in EVENTS)
        cells.append(
            {
                **cell,
                "box": box,
                "gateway": gateway,
                "cx": cell["width"] / 2,
                "cy": cell["height"] / 2,
                "r": min(cell["width"], cell["height"]) / 2,
                "fill": HEAT[heat] if box else "#ffffff",
                "ink": INK[heat] if box else "#0b0c0c",
                "step": step,
                "badge_x": cell["width"] - 4,
            }
        )
    return {**layout, "cells": cells}
