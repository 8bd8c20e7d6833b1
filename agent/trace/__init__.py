"""The trace: typed events, the JSONL writer and reader, and the one fold every viewer shares."""

from modalswitch.agent.trace.events import (
    CacheHit,
    ErrorEvent,
    Event,
    PlanAttempt,
    PlanReady,
    ResponseEvent,
    Retry,
    RouteDecision,
    RunEnd,
    RunStart,
    StepEnd,
    StepProgress,
    StepStart,
)
from modalswitch.agent.trace.fold import StepInfo, TraceSummary, summarize_events, summarize_trace
from modalswitch.agent.trace.tracer import Listener, Tracer, read_trace

__all__ = [
    "CacheHit", "ErrorEvent", "Event", "Listener", "PlanAttempt", "PlanReady", "ResponseEvent",
    "Retry", "RouteDecision", "RunEnd", "RunStart", "StepEnd", "StepInfo", "StepProgress",
    "StepStart", "TraceSummary", "Tracer", "read_trace", "summarize_events", "summarize_trace",
]
