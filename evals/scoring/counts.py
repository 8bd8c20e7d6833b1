"""True/false positive counts and the statistics built from them (F1, rates, percentiles)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    """Matches (tp), extras (fp) and misses (fn) of one metric; add them to pool cases."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        """tp / predicted; None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / expected; None when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2tp / (2tp + fp + fn); None when there is nothing on either side."""
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    def as_list(self) -> list[int]:
        """[tp, fp, fn], as results.jsonl stores them."""
        return [self.tp, self.fp, self.fn]


def multiset_counts(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> Counts:
    """Counts of two multisets: a label used twice must be matched twice."""
    g, p = Counter(gold), Counter(pred)
    tp = sum((g & p).values())
    return Counts(tp, sum(p.values()) - tp, sum(g.values()) - tp)


def set_counts(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> Counts:
    """Counts of two sets (duplicates collapse), as TaskBench's evaluate.py scores."""
    g, p = set(gold), set(pred)
    return Counts(len(g & p), len(p - g), len(g - p))


def mean(values: Iterable[float | bool | None]) -> float | None:
    """The mean of the values that are not None; None when there are none."""
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100), linearly interpolated; None for no values."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)
