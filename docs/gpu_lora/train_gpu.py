"""LoRA on Qwen2.5-Coder-1.5B (packaged Q4_K_M, dequantized) over pre-tokenized routed prompts.
Loss on the plan tokens only. Vocabulary pruned to the tokens the data uses (rows kept exact).

Usage: train_gpu.py G BLOB OUT BUDGET  (env: LIMIT, CHECK_LOGITS, RANK, ALPHA, ACCUM, LR, EPOCHS)
"""
import json
import math
import os
import sys
import time
from pathlib import Path

import gguf
import numpy as np
import torch
from gguf.quants import dequantize
from peft import LoraConfig, get_peft_model
from transformers import Qwen2Config, Qwen2ForCausalLM

T0 = time.time()
G = Path(sys.argv[1])             # folder with manifest.json, vocab.npz, data.npz
BLOB = Path(sys.argv[2])          # the joined layer parts
OUT = Path(sys.argv[3])
BUDGET = float(sys.argv[4])       # seconds of training
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
LIMIT = int(os.environ.get("LIMIT", "0"))
OUT.mkdir(parents=True, exist_ok=True)


def say(*a):
    s = " ".join(str(x) for x in a)
    print(s, flush=True)
    with (OUT / "train.log").open("a") as log:
        log.write(s + "\n")


man = json.loads((G / "manifest.json").read_text())
blob = np.memmap(BLOB, np.uint8, "r")
assert blob.size == man["total"], (blob.size, man["total"])
voc = np.load(G / "vocab.npz")
data = np.load(G / "data.npz")
V = int(voc["keep"].size)

HF = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
      "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
      "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm",
      "ffn_norm": "post_attention_layernorm"}


def hf_name(name):
    if name == "output_norm.weight":
        return "model.norm.weight"
    _, n, part, kind = name.split(".")
    return f"model.layers.{n}.{HF[part]}.{kind}"


def deq(raw, qtype, shape):
    q = gguf.GGMLQuantizationType[qtype]
    if q == gguf.GGMLQuantizationType.F32:
        return torch.from_numpy(raw.view(np.float32).reshape(shape).copy())
    return torch.from_numpy(dequantize(raw.reshape(shape), q))


state = {}
for t in man["tensors"]:
    raw = np.asarray(blob[t["offset"]:t["offset"] + t["nbytes"]])
    state[hf_name(t["name"])] = deq(raw, t["type"], t["shape"]).to(torch.bfloat16)
for key, hf in (("embd", "model.embed_tokens.weight"), ("out", "lm_head.weight")):
    raw = voc[key + "_raw"]
    state[hf] = deq(raw, str(voc[key + "_type"]), raw.shape).to(torch.bfloat16)
say("dequantized", len(state), "tensors in", round(time.time() - T0, 1), "s; vocab", V)

cfg = Qwen2Config(vocab_size=V, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                  num_attention_heads=12, num_key_value_heads=2, rope_theta=1e6,
                  rms_norm_eps=1e-6, max_position_embeddings=32768, tie_word_embeddings=False,
                  torch_dtype="bfloat16", attn_implementation="sdpa")
with torch.device("meta"):
    model = Qwen2ForCausalLM(cfg)
model.load_state_dict(state, assign=True, strict=True)
with torch.device("cpu"):
    model.model.rotary_emb = type(model.model.rotary_emb)(cfg)
model.to(DEVICE, torch.bfloat16)
del state
say("model on", DEVICE, round(time.time() - T0, 1), "s")

ids, offsets, plen = data["ids"], data["offsets"], data["prompt_lens"]
n = LIMIT or len(plen)
ex = [(ids[offsets[i]:offsets[i + 1]], int(plen[i])) for i in range(n)]
if os.environ.get("CHECK_LOGITS"):   # compare with a reference: greedy targets on example 0
    model.eval()
    with torch.no_grad():
        x = torch.tensor(ex[0][0][None, :], device=DEVICE)
        lg = model(input_ids=x).logits[0].float()
    np.save(OUT / "check_logits.npy", lg[-20:].cpu().numpy())
    say("saved check logits")
    sys.exit(0)

R, A = int(os.environ.get("RANK", "16")), int(os.environ.get("ALPHA", "32"))
model = get_peft_model(model, LoraConfig(r=R, lora_alpha=A, lora_dropout=0.05,
                                         target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
                                         task_type="CAUSAL_LM"))
model.print_trainable_parameters()
rng = np.random.default_rng(0)
order = list(rng.permutation(len(ex)))
ACC = int(os.environ.get("ACCUM", "8"))
LR = float(os.environ.get("LR", "2e-4"))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LR, weight_decay=0.0)
say(len(ex), "examples, one a forward pass,", ACC, "a step, lr", LR, "rank", R, "budget", BUDGET)
model.train()
losses, skipped, start = [], 0, time.time()


def save(tag):
    from safetensors.torch import load_file, save_file
    model.save_pretrained(str(OUT / "adapter"))
    f = OUT / "adapter" / "adapter_model.safetensors"
    save_file({k: v.to(torch.float16).contiguous() for k, v in load_file(str(f)).items()}, str(f))
    (OUT / "adapter" / "README.md").unlink(missing_ok=True)
    (OUT / "losses.json").write_text(json.dumps({"losses": losses, "steps": len(losses),
                                                 "skipped": skipped, "examples_seen": seen,
                                                 "train_s": round(time.time() - start, 1),
                                                 "tag": tag, "rank": R, "alpha": A, "lr": LR}))


params = [p for p in model.parameters() if p.requires_grad]
seen, step = 0, 0
while time.time() - start < BUDGET and seen < len(order) * float(os.environ.get("EPOCHS", "1")):
    frac = min(1.0, (time.time() - start) / BUDGET)   # cosine over the time budget
    for g in opt.param_groups:
        g["lr"] = LR * min(1.0, (step + 1) / 5) * max(0.05, 0.5 * (1 + math.cos(math.pi * frac)))
    total = 0.0
    for _ in range(ACC):
        seq, p = ex[order[seen % len(order)]]
        seen += 1
        x = torch.from_numpy(seq.astype(np.int64))[None].to(DEVICE)
        lab = torch.from_numpy(seq[p:].astype(np.int64)).to(DEVICE)
        h = model.base_model.model.model(input_ids=x).last_hidden_state[0, p - 1:len(seq) - 1]
        loss = torch.nn.functional.cross_entropy(model.base_model.model.lm_head(h).float(), lab)
        (loss / ACC).backward()
        total += float(loss.detach()) / ACC
    norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
    if not (math.isfinite(total) and torch.isfinite(norm)):
        skipped += 1
        opt.zero_grad(set_to_none=True)
        say("skipped a non-finite step", step)
        continue
    opt.step()
    opt.zero_grad(set_to_none=True)
    losses.append(round(total, 4))
    step += 1
    if step % 10 == 0:
        lr = opt.param_groups[0]["lr"]
        say(f"step {step} seen {seen} loss {total:.4f} lr {lr:.2e} ({time.time() - start:.0f}s)")
    if step % 50 == 0:
        save("periodic")
save("final")
say("done", len(losses), "steps in", round(time.time() - start, 1), "s; last-10 mean",
    round(sum(losses[-10:]) / max(1, len(losses[-10:])), 4))
