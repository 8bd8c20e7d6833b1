"""Usage: vocab.py GGUF DIR. Rows of embd/output that DIR/data.npz uses -> DIR/vocab.npz."""
import sys
from pathlib import Path

import gguf
import numpy as np

r = gguf.GGUFReader(sys.argv[1])
d = Path(sys.argv[2])
keep = np.load(d / "data.npz")["keep"]
t = {x.name: x for x in r.tensors}
e, o = t["token_embd.weight"], t["output.weight"]
np.savez(d / "vocab.npz", keep=keep,
         embd_raw=np.asarray(e.data)[keep], embd_type=e.tensor_type.name,
         out_raw=np.asarray(o.data)[keep], out_type=o.tensor_type.name)
print(e.data.shape, o.data.shape, len(keep))
