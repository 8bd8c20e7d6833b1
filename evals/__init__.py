"""Evals, beside the runtime (they use it; it never imports them): datasets/, scoring/,
runner/, reports/, bench/."""

