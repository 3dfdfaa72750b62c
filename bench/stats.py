"""Figures over repeated runs: min, median and max, and whether a target is met."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of raw samples (pct in 0..100)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Figure:
    """One measured quantity over repeated runs."""

    name: str
    unit: str
    values: list[float]
    target: str = ""
    # True/False when a target applies and was met or missed; None without a target.
    met: bool | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def low(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def high(self) -> float:
        return max(self.values) if self.values else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "values": self.values,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(**data)


@dataclass
class Result:
    """What one scenario measured on one database."""

    scenario: str
    database: str
    figures: list[Figure] = field(default_factory=list)
    # "not available yet: <endpoint>" lines, and other facts worth a sentence.
    unavailable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "database": self.database,
            "figures": [f.to_json() for f in self.figures],
            "unavailable": self.unavailable,
            "notes": self.notes,
            "seconds": self.seconds,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        figures = [Figure.from_json(f) for f in data.pop("figures", [])]
        return cls(figures=figures, **data)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """Pairwise ratios of runs measured side by side (run i of one against run i of the other)."""
    return [n / d for n, d in zip(numerators, denominators, strict=False) if d]
