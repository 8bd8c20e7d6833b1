"""Training, beside the runtime (it may use evals; nothing imports it): the switching
dataset generator (dataset/), LoRA tuning and GGUF export, the router head."""

