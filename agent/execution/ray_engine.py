"""The Ray engine: each step's tool call becomes a Ray task with the tool's resource needs.

The executor still schedules the DAG, resolves references, retries, enforces time limits,
caches and traces; only the call runs on the cluster, asking for `tool.resources`
(GPUs, memory, CPUs) so a model lands on a node where it fits. Artifacts travel by
content hash, in one of two ways (`transfer`, $MODALSWITCH_RAY_STORE):

- `shared`: every node mounts the same store path, so an artifact's path is valid
  everywhere and nothing is copied;
- `object`: the bytes go through Ray's object store; a worker keeps them in its own home's
  store under the same sha256, and the files a tool makes come back the same way.

Tools that write with the chat model (`uses_chat`) run in this process, beside the
planner's writer. Progress and sub-tool spans of a remote call are not streamed back.
Needs the `ray` extra.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from modalswitch import settings
from modalswitch.errors import EngineError, ToolError, TransientToolError
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore, walk
from modalswitch.tools.runtime.model_cache import ModelCache

_INIT_LOCK = threading.Lock()
_WORKER_MODELS: ModelCache | None = None
"""One model cache per Ray worker process, so a loaded model serves later calls."""


def ray_options(tool: Tool[Any, Any]) -> dict[str, Any]:
    """Ray task options from a tool's resource needs."""
    needs = tool.resources
    options: dict[str, Any] = {"num_cpus": needs.get("cpus", 1), "max_retries": 0}
    if needs.get("gpus"):
        options["num_gpus"] = needs["gpus"]
    if needs.get("memory_gb"):
        options["memory"] = int(needs["memory_gb"] * 1024**3)
    return options


class RayEngine:
    """Runs tool calls as Ray tasks."""

    name = "ray"

    def __init__(self, store: ArtifactStore, address: str | None = None,
                 transfer: str = "shared") -> None:
        try:
            import ray
        except ImportError:
            raise EngineError("the ray engine needs Ray: pip install 'modalswitch[ray]'"
                              ) from None
        self.store = store
        self.address = address
        self.transfer = transfer
        self._ray = ray
        self._task: Any = None

    def _remote(self) -> Any:
        ray = self._ray
        with _INIT_LOCK:
            if not ray.is_initialized():
                try:
                    ray.init(address=self.address or None, ignore_reinit_error=True,
                             include_dashboard=False, log_to_driver=False)
                except (ConnectionError, RuntimeError, ValueError) as exc:
                    raise EngineError(f"cannot join the Ray cluster at "
                                      f"{self.address or 'a new local instance'}: {exc}"
                                      ) from exc
            if self._task is None:
                self._task = ray.remote(_run_remote)
        return self._task

    def run(self, tool: Tool[Any, Any], args: BaseModel, ctx: ToolContext) -> BaseModel:
        """Run the call on the cluster and wait for it (cancellable through ctx)."""
        if tool.uses_chat:
            return tool.run(args, ctx)
        task = self._remote()
        payload = (walk(args, lambda a: _shipped(a, self._ray)) if self.transfer == "object"
                   else args.model_dump())
        try:
            ref = task.options(**ray_options(tool)).remote(
                tool, payload, str(self.store.root), self.transfer, ctx.step_id,
                ctx.tool_name, str(ctx.work_dir))
        except TypeError as exc:  # pickling: a lock, an open model handle...
            raise ToolError(f"tool {tool.name} cannot be sent to a Ray worker ({exc}); keep "
                            "its state picklable, or load models lazily through ctx.models"
                            ) from exc
        while True:
            done, _ = self._ray.wait([ref], timeout=0.1)
            if done:
                break
            if ctx.cancelled.is_set():
                self._ray.cancel(ref, force=True)
                raise ToolError(f"{ctx.step_id} was stopped")
        kind, value = self._ray.get(ref)
        if kind == "transient":
            raise TransientToolError(value)
        if kind == "error":
            raise ToolError(value)
        if self.transfer == "object":
            value = _rebuild(value, lambda data: _landed(data, self.store))
        return tool.Output.model_validate(value)


def _shipped(artifact: Artifact, ray: Any) -> dict[str, Any]:
    """An artifact with its bytes in the object store (text travels inline)."""
    data = artifact.model_dump()
    if artifact.path is not None:
        data["_ref"] = ray.put(artifact.path.read_bytes())
    return data


def _landed(data: dict[str, Any], store: ArtifactStore) -> Artifact:
    """An artifact whose bytes came back with a remote result, adopted into `store`."""
    body = data.pop("_body", None)
    artifact = Artifact.model_validate(data)
    if body is None or artifact.path is None:
        return artifact
    return _keep(store, artifact, body)


def _keep(store: ArtifactStore, artifact: Artifact, body: bytes) -> Artifact:
    """Put bytes into a store under their hash (checked) and point the artifact at them."""
    if hashlib.sha256(body).hexdigest() != artifact.sha256:
        raise ToolError(f"artifact {artifact.sha256[:16]} arrived corrupted")
    assert artifact.path is not None
    with store.new_file(artifact.path.suffix) as tmp:
        tmp.write_bytes(body)
        kept = store.put_file(tmp, artifact.provenance, move=True)
    return artifact.model_copy(update={"path": kept.path})


def _is_artifact(value: Any) -> bool:
    return isinstance(value, dict) and {"sha256", "modality", "mime", "provenance"} <= set(value)


def _rebuild(value: Any, artifact: Any) -> Any:
    """`value` with each dumped artifact replaced by `artifact(d)`."""
    if _is_artifact(value):
        return artifact(value)
    if isinstance(value, dict):
        return {k: _rebuild(v, artifact) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild(v, artifact) for v in value]
    return value


def _run_remote(tool: Tool[Any, Any], payload: dict[str, Any], store_root: str,
                transfer: str, step_id: str, tool_name: str,
                work_dir: str) -> tuple[str, Any]:
    """The Ray task: rebuild the arguments, run the tool, send back its output."""
    global _WORKER_MODELS
    import ray

    if _WORKER_MODELS is None:
        _WORKER_MODELS = ModelCache()
    local = transfer == "object"
    store = ArtifactStore(settings.home() / "ray-store" if local else Path(store_root))

    def arrive(data: dict[str, Any]) -> Artifact:
        ref = data.pop("_ref", None)
        artifact = Artifact.model_validate(data)
        return artifact if ref is None else _keep(store, artifact, ray.get(ref))

    ctx = ToolContext(store=store, models=_WORKER_MODELS, step_id=step_id,
                      tool_name=tool_name, work_dir=Path(work_dir))
    try:
        args = tool.Input.model_validate(_rebuild(payload, arrive))
        output = tool.run(args, ctx)
    except TransientToolError as exc:
        return "transient", str(exc)
    except Exception as exc:  # the driver turns it back into a failed step
        return "error", f"{type(exc).__name__}: {exc}" if str(exc) else repr(exc)
    result = output.model_dump()
    if local:
        def send(artifact: Artifact) -> dict[str, Any]:
            data = artifact.model_dump()
            if artifact.path is not None:
                data["_body"] = artifact.path.read_bytes()
            return data

        result = walk(output, send)
    return "ok", result
