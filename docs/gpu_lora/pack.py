"""Pack the 1.5B GGUF's layer tensors (raw quantized bytes) into ~50 MiB parts + manifest.

Usage: pack.py GGUF DIR  (writes DIR/partNN and DIR/manifest.json)
"""
import json
import sys
from pathlib import Path

import gguf

r = gguf.GGUFReader(sys.argv[1])
out = Path(sys.argv[2])
man, blob_parts, off = [], [], 0
for t in r.tensors:
    if t.name in ("token_embd.weight", "output.weight"):
        continue
    b = bytes(t.data.tobytes())
    man.append({"name": t.name, "type": t.tensor_type.name, "shape": [int(x) for x in t.data.shape],
                "offset": off, "nbytes": len(b)})
    blob_parts.append(b)
    off += len(b)
blob = b"".join(blob_parts)
CH = 50 * 2**20
out.mkdir(parents=True, exist_ok=True)
n = 0
for i in range(0, len(blob), CH):
    (out / f"part{n:02d}").write_bytes(blob[i:i + CH])
    n += 1
(out / "manifest.json").write_text(json.dumps({"tensors": man, "total": len(blob), "parts": n}))
print(n, "parts", len(blob) / 2**20, "MiB")
