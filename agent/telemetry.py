"""OpenTelemetry spans from the trace events, named after the GenAI semantic conventions.

One run is an `invoke_agent modalswitch` span; planning is a `plan` span holding one
`chat {model}` span per LLM call (`gen_ai.request.model`, `gen_ai.usage.input_tokens`,
`gen_ai.usage.output_tokens`); each step is an `execute_tool {tool}` span, and a tool a
step calls is its child. Spans are built from the events' own timestamps, so they say the
same as trace.jsonl. Off by default: $MODALSWITCH_OTEL = console | otlp (extra: `otel`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from modalswitch import settings
from modalswitch.agent.trace.events import (
    CacheHit,
    Event,
    PlanAttempt,
    PlanReady,
    Retry,
    RouteDecision,
    RunEnd,
    RunStart,
    StepEnd,
    StepStart,
)
from modalswitch.agent.trace.tracer import Listener
from modalswitch.errors import ConfigError

EXPORTERS = ("off", "console", "otlp")
_PROVIDER_LOCK = threading.Lock()
_provider: Any = None


def _ns(seconds: float) -> int:
    return int(seconds * 1e9)


@dataclass
class _RunSpans:
    run: Any
    model: str
    plan: Any = None
    steps: dict[str, Any] = field(default_factory=dict)
    tokens: list[int] = field(default_factory=lambda: [0, 0])


class SpanListener:
    """Turns a run's events into OpenTelemetry spans (a trace listener)."""

    def __init__(self, tracer_provider: Any = None) -> None:
        from opentelemetry import trace

        self._trace = trace
        provider = tracer_provider or trace.get_tracer_provider()
        self.tracer = provider.get_tracer("modalswitch")
        self._runs: dict[str, _RunSpans] = {}
        self._lock = threading.Lock()

    def _child(self, parent: Any, name: str, ts: float, **attributes: Any) -> Any:
        context = self._trace.set_span_in_context(parent)
        return self.tracer.start_span(name, context=context, start_time=_ns(ts),
                                      attributes={k: v for k, v in attributes.items()
                                                  if v is not None})

    def __call__(self, event: Event) -> None:
        """Start or end the spans this event marks."""
        with self._lock:
            if isinstance(event, RunStart):
                span = self.tracer.start_span("invoke_agent modalswitch", start_time=_ns(
                    event.ts), attributes={"gen_ai.operation.name": "invoke_agent",
                                           "gen_ai.agent.name": "modalswitch",
                                           "modalswitch.run_id": event.run_id,
                                           "modalswitch.planner": event.planner})
                self._runs[event.run_id] = _RunSpans(span, event.planner.removeprefix("llm:"))
                return
            spans = self._runs.get(event.run_id)
            if spans is not None:
                self._on(spans, event)

    def _plan_span(self, spans: _RunSpans, ts: float) -> Any:
        if spans.plan is None:
            spans.plan = self._child(spans.run, "plan", ts, **{
                "gen_ai.operation.name": "plan", "gen_ai.request.model": spans.model})
        return spans.plan

    def _on(self, spans: _RunSpans, event: Event) -> None:
        if isinstance(event, RouteDecision):
            self._plan_span(spans, event.ts - event.seconds)
        elif isinstance(event, PlanAttempt):
            begun = event.ts - event.duration_s
            chat = self._child(self._plan_span(spans, begun), f"chat {spans.model}", begun, **{
                "gen_ai.operation.name": "chat", "gen_ai.request.model": spans.model,
                "gen_ai.usage.input_tokens": event.prompt_tokens,
                "gen_ai.usage.output_tokens": event.completion_tokens,
                "modalswitch.plan.attempt": event.attempt,
                "modalswitch.plan.issues": len(event.issues)})
            if event.issues:
                chat.set_status(self._trace.Status(self._trace.StatusCode.ERROR,
                                                   "; ".join(event.issues)[:500]))
            chat.end(end_time=_ns(event.ts))
            spans.tokens[0] += event.prompt_tokens
            spans.tokens[1] += event.completion_tokens
        elif isinstance(event, PlanReady):
            plan = self._plan_span(spans, event.ts)
            plan.set_attribute("gen_ai.usage.input_tokens", spans.tokens[0])
            plan.set_attribute("gen_ai.usage.output_tokens", spans.tokens[1])
            plan.set_attribute("modalswitch.plan.steps", len(event.plan.get("steps", [])))
            plan.end(end_time=_ns(event.ts))
        elif isinstance(event, StepStart | CacheHit):
            parent = spans.steps.get(event.parent or "", spans.run)
            span = self._child(parent, f"execute_tool {event.tool}", event.ts, **{
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": event.tool,
                "modalswitch.step": event.span,
                "modalswitch.attempt": getattr(event, "attempt", None),
                "modalswitch.cached": isinstance(event, CacheHit)})
            spans.steps[event.span] = span
        elif isinstance(event, Retry | StepEnd):
            self._end_step(spans, event)
        elif isinstance(event, RunEnd):
            for span in [*spans.steps.values(), *([spans.plan] if spans.plan else [])]:
                if span.is_recording():
                    span.end(end_time=_ns(event.ts))
            spans.run.set_attribute("modalswitch.status", event.status)
            if event.status == "failed":
                spans.run.set_status(self._trace.Status(self._trace.StatusCode.ERROR))
            spans.run.end(end_time=_ns(event.ts))
            del self._runs[event.run_id]

    def _end_step(self, spans: _RunSpans, event: Retry | StepEnd) -> None:
        span = spans.steps.pop(event.span, None)
        if span is None:  # a skipped step never started
            if not isinstance(event, StepEnd):
                return
            span = self._child(spans.steps.get(event.parent or "", spans.run),
                               f"execute_tool {event.tool}", event.ts, **{
                                   "gen_ai.operation.name": "execute_tool",
                                   "gen_ai.tool.name": event.tool,
                                   "modalswitch.step": event.span})
        failed = isinstance(event, Retry) or event.status == "failed"
        if isinstance(event, StepEnd):
            span.set_attribute("modalswitch.status", event.status)
            if event.error_type:
                span.set_attribute("error.type", event.error_type)
        if failed:
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR,
                                               (event.error or "")[:500]))
        span.end(end_time=_ns(event.ts))


def _configured_provider(exporter: str) -> Any:
    """The process's tracer provider for an exporter setting (made once)."""
    global _provider
    with _PROVIDER_LOCK:
        if _provider is None:
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

            provider = TracerProvider(resource=Resource.create({"service.name": "modalswitch"}))
            if exporter == "console":
                span_exporter: Any = ConsoleSpanExporter()
            else:
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                    OTLPSpanExporter,
                )

                span_exporter = OTLPSpanExporter(
                    endpoint=settings.setting("MODALSWITCH_OTEL_ENDPOINT")
                    or "http://localhost:4318/v1/traces")
            provider.add_span_processor(BatchSpanProcessor(span_exporter))
            _provider = provider
        return _provider


def telemetry_listeners() -> list[Listener]:
    """The listeners $MODALSWITCH_OTEL asks for: none when off."""
    exporter = settings.choice("MODALSWITCH_OTEL", EXPORTERS)
    if exporter == "off":
        return []
    try:
        return [SpanListener(_configured_provider(exporter))]
    except ImportError:
        raise ConfigError(f"MODALSWITCH_OTEL={exporter} needs OpenTelemetry: "
                          "pip install 'modalswitch[otel]'") from None
