#!/usr/bin/env python3
"""llama.cpp's view of a model on a token list, through the llama_cpp bindings: the logits at
every position and, for mixtures of experts, the experts chosen per layer and token (the
ffn_moe_topk tensors, read with an eval callback). F32 KV cache (or F16 with --kv-cache f16),
no flash attention, one batch.
usage: llama_reference.py MODEL.gguf 1,2,3 OUT.json [--tensors OUT.npz] [--decimals N] [--kv-cache f16]
--tensors also saves every F32/I32 tensor of the graph by name (for locating a divergence: an
architecture's intermediate values can be compared with LanguageModel.tap's)."""
import argparse, ctypes, json, os, sys
import numpy as np
import llama_cpp as L

class Tensor(ctypes.Structure):   # the head of struct ggml_tensor (ggml.h), up to its name
    _fields_ = [("type", ctypes.c_int), ("buffer", ctypes.c_void_p), ("ne", ctypes.c_int64 * 4),
                ("nb", ctypes.c_size_t * 4), ("op", ctypes.c_int), ("op_params", ctypes.c_int32 * 16),
                ("flags", ctypes.c_int32), ("src", ctypes.c_void_p * 10), ("view_src", ctypes.c_void_p),
                ("view_offs", ctypes.c_size_t), ("data", ctypes.c_void_p), ("name", ctypes.c_char * 64)]

DTYPES = {0: np.float32, 26: np.int32}   # GGML_TYPE_F32, GGML_TYPE_I32

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("tokens"); ap.add_argument("out")
    ap.add_argument("--tensors"); ap.add_argument("--decimals", type=int, default=6)
    ap.add_argument("--kv-cache", choices=["f32", "f16"], default="f32")
    a = ap.parse_args()
    tokens = [int(t) for t in a.tokens.split(",")]
    saved = {}

    @L.ggml_backend_sched_eval_callback
    def on_tensor(t, ask, _):
        x = ctypes.cast(t, ctypes.POINTER(Tensor)).contents
        if ask: return True
        if x.type not in DTYPES or not x.data: return True
        name = x.name.decode()
        if not a.tensors and not name.startswith("ffn_moe_topk"): return True
        ne, nb = list(x.ne), list(x.nb)
        span = max(s * (n - 1) for s, n in zip(nb, ne)) + 4
        raw = np.frombuffer((ctypes.c_char * span).from_address(x.data), dtype=DTYPES[x.type])
        arr = np.lib.stride_tricks.as_strided(raw, shape=ne[::-1], strides=nb[::-1]).copy()
        key, i = name, 1
        while key in saved: key, i = f"{name}#{i}", i + 1
        saved[key] = arr
        return True

    L.llama_backend_init()
    model = L.llama_model_load_from_file(a.model.encode(), L.llama_model_default_params())
    if not model: sys.exit(f"llama.cpp cannot load {a.model}")
    p = L.llama_context_default_params()
    p.n_ctx = max(256, len(tokens)); p.n_batch = p.n_ubatch = max(256, len(tokens))
    p.n_threads = p.n_threads_batch = 2
    p.type_k = p.type_v = 0 if a.kv_cache == "f32" else 1   # GGML_TYPE_F32 / GGML_TYPE_F16
    p.flash_attn_type = 0              # off
    p.cb_eval = on_tensor
    ctx = L.llama_init_from_model(model, p)
    batch = L.llama_batch_init(len(tokens), 0, 1)
    for i, t in enumerate(tokens):
        batch.token[i] = t; batch.pos[i] = i; batch.n_seq_id[i] = 1; batch.seq_id[i][0] = 0; batch.logits[i] = 1
    batch.n_tokens = len(tokens)
    if L.llama_decode(ctx, batch) != 0: sys.exit("llama_decode failed")
    n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    logits = np.ctypeslib.as_array(L.llama_get_logits(ctx), shape=(len(tokens) * n_vocab,)).reshape(len(tokens), n_vocab).copy()
    layers = sorted((k for k in saved if k.startswith("ffn_moe_topk-") and "#" not in k), key=lambda k: int(k.split("-")[1]))
    out = {"model": os.path.basename(a.model), "tokens": tokens, "kv_cache": a.kv_cache,
           "logits": [[round(float(v), a.decimals) for v in row] for row in logits],
           "experts": [saved[k].reshape(-1).tolist() for k in layers]}
    with open(a.out, "w") as f:
        json.dump(out, f, separators=(",", ":")); f.write("\n")
    if a.tensors:
        saved["logits"] = logits
        np.savez(a.tensors, **saved)
    print(f"{a.out}: {len(tokens)} positions, argmax {logits.argmax(-1).tolist()}, "
          f"experts of {len(layers)} layers", file=sys.stderr)

main()
