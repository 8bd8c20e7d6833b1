"""The tool quality benchmark (`modalswitch eval tools`): every offline default tool on data
made or shipped locally, scored with jiwer (WER/CER), label hits and real-time factors."""

from modalswitch.evals.tools_bench.run import BENCHES, run_tool_bench

__all__ = ["BENCHES", "run_tool_bench"]
