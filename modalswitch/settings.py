"""Every setting in one place: the home folder, the config file, and each MODALSWITCH_* variable.

An environment variable beats the config file, which beats the default. The config file is
`$MODALSWITCH_CONFIG`, else `$MODALSWITCH_HOME/config.toml`:

    [planner]
    name = "routed"               # the planner: an embedded configuration, openai:MODEL...
    gguf = "/path/model.gguf"     # replaces the packaged 1.5B model
    adapter = "/path/adapter.gguf"

    [models]                      # tool slot = Hugging Face id, local folder, whisper name/.pt
    text_to_image = "stabilityai/sd-turbo"

    [options.text_to_image]       # default arguments for that slot's tool
    steps = 1

    [runtime]
    device = "auto"               # auto | cuda | cuda:N | mps | cpu
    dtype = "auto"                # auto | float32 | float16 | bfloat16
    offload = false
    allow_download = false
    memory_budget_gb = 12
    gpu_layers = "auto"           # llama.cpp planner layers on the GPU: auto or a number
    engine = "local"              # local | ray

    [remote]                      # openai:/ollama: endpoints; [serve]: the HTTP service;
    openai_base_url = "..."       # [telemetry]: OpenTelemetry (docs/settings.md has them all)

`VARIABLES` lists every variable with its config key, default and meaning; docs/settings.md
is its table (a test keeps the two in step).
"""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.errors import ConfigError


@dataclass(frozen=True)
class Variable:
    """One MODALSWITCH_* environment variable."""

    name: str
    meaning: str
    default: str = ""
    key: str | None = None
    """Where the config file sets it ("runtime.device"); None: environment only."""


VARIABLES: tuple[Variable, ...] = (
    Variable("MODALSWITCH_HOME", "the artifact store, step cache, assembled models, the "
             "planner's saved system-prompt state and default run folders",
             "~/.cache/modalswitch"),
    Variable("MODALSWITCH_CONFIG", "the config file", "$MODALSWITCH_HOME/config.toml"),
    Variable("MODALSWITCH_MODELS_DIR", "where model files assembled from packages go",
             "$MODALSWITCH_HOME/models"),
    Variable("MODALSWITCH_PLANNER", "the planner `run`, `plan`, `eval` and `Agent()` use: "
             "an embedded configuration (base, routed, tuned, tuned-routed), `openai:MODEL` "
             "or `ollama:MODEL`", "tuned-routed", "planner.name"),
    Variable("MODALSWITCH_WRITER", "the chat model that writes text answers and text tools' "
             "output (`openai:MODEL`, `ollama:MODEL`, `embedded:NAME`...)",
             "the planner's writer", "planner.writer"),
    Variable("MODALSWITCH_PLANNER_GGUF", "a GGUF file that replaces the packaged 1.5B model",
             "", "planner.gguf"),
    Variable("MODALSWITCH_PLANNER_ADAPTER", "a GGUF LoRA adapter that replaces the shipped "
             "planning adapter", "", "planner.adapter"),
    Variable("MODALSWITCH_<SLOT>_MODEL", "the checkpoint of a tool slot, e.g. "
             "MODALSWITCH_TEXT_TO_IMAGE_MODEL (`modalswitch models list` shows the slots)",
             "per slot", "models.<slot>"),
    Variable("MODALSWITCH_DEVICE", "where models run: auto, cuda, cuda:N, mps or cpu", "auto",
             "runtime.device"),
    Variable("MODALSWITCH_DTYPE", "number format: auto, float32, float16 or bfloat16", "auto",
             "runtime.dtype"),
    Variable("MODALSWITCH_OFFLOAD", "diffusers CPU offload on a small GPU", "false",
             "runtime.offload"),
    Variable("MODALSWITCH_ALLOW_DOWNLOAD", "let a run fetch a missing hub checkpoint", "false",
             "runtime.allow_download"),
    Variable("MODALSWITCH_MEMORY_GB", "the model cache's memory budget", "12",
             "runtime.memory_budget_gb"),
    Variable("MODALSWITCH_OPENAI_BASE_URL", "the OpenAI-compatible endpoint `openai:MODEL` "
             "talks to (OpenAI, vLLM, llama.cpp server, LM Studio)", "https://api.openai.com/v1",
             "remote.openai_base_url"),
    Variable("MODALSWITCH_OPENAI_API_KEY", "the key sent to that endpoint (else $OPENAI_API_KEY)"),
    Variable("MODALSWITCH_OLLAMA_BASE_URL", "the Ollama server `ollama:MODEL` talks to (its "
             "OpenAI-compatible /v1)", "http://localhost:11434/v1", "remote.ollama_base_url"),
    Variable("MODALSWITCH_REMOTE_TIMEOUT_S", "seconds one remote chat request may take",
             "120", "remote.timeout_s"),
    Variable("MODALSWITCH_REMOTE_RETRIES", "retries of a remote chat request on 429, 5xx or "
             "a dropped connection (exponential backoff)", "3", "remote.retries"),
    Variable("MODALSWITCH_REMOTE_STRUCTURED", "how a remote model is held to the plan schema: "
             "json_schema, json_object (llama.cpp server), tools or none", "json_schema",
             "remote.structured"),
    Variable("MODALSWITCH_ENGINE", "where steps run: local (threads) or ray", "local",
             "runtime.engine"),
    Variable("MODALSWITCH_RAY_ADDRESS", "the Ray cluster to join (`auto`, `ray://host:10001`); "
             "empty starts a local one", "", "runtime.ray_address"),
    Variable("MODALSWITCH_RAY_STORE", "how artifacts reach Ray workers: shared (one store path "
             "all nodes mount) or object (by content hash through Ray's object store)",
             "shared", "runtime.ray_store"),
    Variable("MODALSWITCH_OTEL", "OpenTelemetry spans: off, console or otlp", "off",
             "telemetry.exporter"),
    Variable("MODALSWITCH_OTEL_ENDPOINT", "the OTLP/HTTP traces endpoint",
             "http://localhost:4318/v1/traces", "telemetry.otlp_endpoint"),
    Variable("MODALSWITCH_SERVE_WORKERS", "runs `modalswitch serve` executes at once", "2",
             "serve.workers"),
    Variable("MODALSWITCH_SERVE_QUEUE", "runs waiting beyond those (more get 503)", "64",
             "serve.queue"),
    Variable("MODALSWITCH_SERVE_MAX_UPLOAD_MB", "the largest upload one run may send (413 over "
             "it)", "100", "serve.max_upload_mb"),
    Variable("MODALSWITCH_SERVE_MAX_FILES", "the most files one run may upload (413 over it)",
             "16", "serve.max_files"),
    Variable("MODALSWITCH_API_KEY", "when set, `serve` answers only requests that send it "
             "(`Authorization: Bearer KEY` or `X-API-Key`)"),
    Variable("MODALSWITCH_JOB_STORE", "where `serve` keeps run records: a SQLite file",
             "$MODALSWITCH_HOME/serve/jobs.sqlite3", "serve.job_store"),
    Variable("MODALSWITCH_GPU_LAYERS", "layers of the llama.cpp planner put on the GPU: auto "
             "(all of them when llama.cpp was built with GPU offload, else none) or a number "
             "(0: CPU only, -1: all)", "auto", "runtime.gpu_layers"),
    Variable("MODALSWITCH_TASKBENCH_DIR", "the TaskBench sample the tests score (tests only)",
             "../shared/taskbench-multimedia"),
)
_BY_NAME = {v.name: v for v in VARIABLES}
_TABLES = ("planner", "models", "options", "runtime", "remote", "serve", "telemetry")


def home() -> Path:
    """Where the store, step cache, assembled models and runs live."""
    env = os.environ.get("MODALSWITCH_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "modalswitch"


def config_path() -> Path:
    """Where the config file is read from."""
    env = os.environ.get("MODALSWITCH_CONFIG")
    return Path(env).expanduser() if env else home() / "config.toml"


def models_dir() -> Path:
    """Where model files assembled from packages live."""
    env = os.environ.get("MODALSWITCH_MODELS_DIR")
    return Path(env).expanduser() if env else home() / "models"


@dataclass(frozen=True)
class ConfigFile:
    """The parsed config file (empty tables when there is none)."""

    path: Path
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    def table(self, name: str) -> dict[str, Any]:
        """One top-level table ([planner], [models], [options], [runtime])."""
        return self.tables.get(name, {})


_cache: dict[tuple[str, int], ConfigFile] = {}
_lock = threading.Lock()


def config_file() -> ConfigFile:
    """The config file, re-read whenever it changes."""
    path = config_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return ConfigFile(path)
    with _lock:
        if (str(path), stamp) in _cache:
            return _cache[(str(path), stamp)]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        raise ConfigError(f"config file {path}: unknown table(s) {', '.join(unknown)}; "
                          f"known: {', '.join(_TABLES)}")
    for name in _TABLES:
        if not isinstance(data.get(name, {}), dict):
            raise ConfigError(f"config file {path}: [{name}] must be a table")
    parsed = ConfigFile(path, {name: dict(data.get(name, {})) for name in _TABLES})
    with _lock:
        _cache[(str(path), stamp)] = parsed
    return parsed


def setting(name: str) -> str | None:
    """A variable's value: the environment, else the config file, else None."""
    var = _BY_NAME[name]
    env = os.environ.get(name, "").strip()
    if env:
        return env
    if var.key is not None:
        table, key = var.key.split(".", 1)
        value = config_file().table(table).get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def flag(name: str) -> bool:
    """A yes/no setting (1, true, yes, on)."""
    return (setting(name) or _BY_NAME[name].default).lower() in ("1", "true", "yes", "on")


def slot_env_var(slot: str) -> str:
    """The variable that overrides a tool slot's checkpoint."""
    return f"MODALSWITCH_{slot.upper()}_MODEL"


def slot_model(slot: str) -> tuple[str | None, str]:
    """A tool slot's configured checkpoint and where it came from (None: not configured)."""
    env = os.environ.get(slot_env_var(slot), "").strip()
    if env:
        return env, f"env {slot_env_var(slot)}"
    conf = config_file()
    value = str(conf.table("models").get(slot, "")).strip()
    if value:
        return value, f"config {conf.path}"
    return None, "default"


def slot_options(slot: str) -> dict[str, Any]:
    """Default tool arguments for a slot from `[options.<slot>]`."""
    table = config_file().table("options").get(slot, {})
    return dict(table) if isinstance(table, dict) else {}


def number(name: str) -> float:
    """A numeric setting (its default when unset); ConfigError when it is not a number."""
    value = setting(name) or _BY_NAME[name].default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} = {value!r} is not a number") from None


def choice(name: str, allowed: tuple[str, ...]) -> str:
    """A setting that must be one of `allowed` (its default when unset)."""
    value = (setting(name) or _BY_NAME[name].default).lower()
    if value not in allowed:
        raise ConfigError(f"{name} = {value!r}: choose one of {', '.join(allowed)}")
    return value


def memory_budget_bytes(default_gb: float = 12) -> int:
    """The model cache budget in bytes."""
    value = setting("MODALSWITCH_MEMORY_GB")
    try:
        return int(float(value if value is not None else default_gb) * 1024**3)
    except ValueError:
        raise ConfigError(f"memory budget {value!r} is not a number of GB") from None


def gpu_layers() -> int | None:
    """The llama.cpp GPU layers asked for; None means auto (decided by what llama.cpp can do)."""
    value = (setting("MODALSWITCH_GPU_LAYERS") or "auto").lower()
    if value == "auto":
        return None
    try:
        layers = int(value)
    except ValueError:
        raise ConfigError(f"GPU layers {value!r} must be 'auto' or a whole number") from None
    if layers < -1:
        raise ConfigError(f"GPU layers {layers} must be -1 (all), 0 (none) or more")
    return layers


def markdown_table() -> str:
    """VARIABLES as the Markdown table in docs/settings.md."""
    rows = ["| variable | config file | default | what it sets |", "|---|---|---|---|"]
    for var in VARIABLES:
        key = f"`{var.key}`" if var.key else "–"
        rows.append(f"| `{var.name}` | {key} | {var.default or '–'} | {var.meaning} |")
    return "\n".join(rows)
