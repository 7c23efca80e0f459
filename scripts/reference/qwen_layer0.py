#!/usr/bin/env python3
"""llama.cpp's layer-0 intermediates of a Qwen2.5-Coder GGUF for one prompt, the reference for
QwenLayerZeroTests: up to layer 0's attention output the two engines compute the same numbers
(exact inputs, integer dot products), so a wrong RoPE variant, a dropped bias or a bad Q5_0/Q8_0/
Q4_K/Q6_K decoder shows there plainly, under none of the noise that quantised activations add
further on. Keeps the last ROWS positions of each tensor (small fixture).
usage: qwen_layer0.py MODEL.gguf GREEDY_FIXTURE.json CASE OUT.json [ROWS]
Runs llama_reference.py --tensors on CASE's prompt tokens (same folder, same Python)."""
import json, os, subprocess, sys, tempfile
import numpy as np

# our tap name -> llama.cpp graph tensor (the "#n" suffix counts same-named tensors in graph order:
# Qcur-0 is the matmul, #1 with the bias, #2 reshaped to heads, #3 after RoPE)
TENSORS = {"Vcur-0": "Vcur-0#1", "Qrope-0": "Qcur-0#3", "Krope-0": "Kcur-0#3", "kqv_out-0": "kqv_out-0",
           "ffn_out-0": "ffn_out-0"}

def main():
    model, fixture, name, out = sys.argv[1:5]
    rows = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    case = next(c for c in json.load(open(fixture))["cases"] if c["name"] == name)
    toks = case["prompt_tokens"]
    with tempfile.TemporaryDirectory() as tmp:
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "llama_reference.py"), model, ",".join(map(str, toks)),
                        os.path.join(tmp, "logits.json"), "--tensors", os.path.join(tmp, "t.npz")], check=True)
        z = np.load(os.path.join(tmp, "t.npz"))
        tensors = {}
        for ours, theirs in TENSORS.items():
            a = z[theirs].reshape(len(toks), -1)[-rows:]
            tensors[ours] = {"llama": theirs, "width": a.shape[1],
                             "values": [float(f"{v:.6g}") for v in a.reshape(-1)]}
    with open(out, "w") as f:
        json.dump({"model": os.path.basename(model), "case": name, "prompt_tokens": toks, "rows": rows,
                   "tensors": tensors}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{out}: {len(tensors)} tensors x {rows} rows", file=sys.stderr)

main()
