"""Checks on a rendered figure: no legend over a data point, no text outside the figure, no raw dotted key."""

from __future__ import annotations

import re

import numpy as np

RAW_KEY = re.compile(r"\b[A-Za-z_]+(?:\.[A-Za-z_0-9]+)+\s*=")  # "funding.funded_fraction=0.8"


def texts(fig) -> list:
    """Every title of the figure (its suptitle and each axes' three titles) that says something."""
    found = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title]
    return [t for t in found if t.get_text()]


def legends(fig) -> list:
    return [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]


def data_points(ax) -> np.ndarray:
    """The display coordinates of every data line's points (and bar corners) that fall inside the axes."""
    chunks = []
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        if xy.size:
            chunks.append(line.get_transform().transform(xy))
    for container in ax.containers:  # bars: their four corners
        for bar in container:
            box = bar.get_window_extent()
            chunks.append(np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x0, box.y1], [box.x1, box.y1]]))
    if not chunks:
        return np.empty((0, 2))
    points = np.concatenate(chunks)
    points = points[np.isfinite(points).all(axis=1)]
    box = ax.bbox
    inside = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1) & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)
    return points[inside]


def problems(fig, name: str = "") -> list[str]:
    """What is wrong with a figure once drawn: legends over data, text cut off, raw dotted keys."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    found = []

    def outside(box) -> bool:
        return box.x0 < page.x0 - 1 or box.y0 < page.y0 - 1 or box.x1 > page.x1 + 1 or box.y1 > page.y1 + 1

    for legend in legends(fig):
        box = legend.get_window_extent(renderer)
        if outside(box):
            found.append(f"{name}: legend outside the figure {box.bounds} in {page.bounds}")
        for ax in fig.axes:
            points = data_points(ax)
            over = (points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)
            if over.any():
                found.append(f"{name}: legend covers {int(over.sum())} data points of {ax.get_ylabel()!r}")
        found += [
            f"{name}: raw key in legend {t.get_text()!r}" for t in legend.get_texts() if RAW_KEY.search(t.get_text())
        ]
    for text in texts(fig):
        if outside(text.get_window_extent(renderer)):
            found.append(f"{name}: title cut off: {text.get_text()!r}")
        if RAW_KEY.search(text.get_text()):
            found.append(f"{name}: raw key in title {text.get_text()!r}")
    return found
