#!/usr/bin/env python3
"""Writes small random-weight GGUFs of the mixture-of-experts architectures that
../shared/tools/make_tiny_moe.py does not cover, in the tensor layout llama.cpp loads
(src/models/<arch>.cpp): qwen2moe (q/k/v biases, a shared expert gated by sigmoid(w·x), no
renormalisation), olmoe (q/k RMS norms over the whole width, NEOX RoPE, no renormalisation) and
granitemoe (embedding/attention/residual/logit multipliers, renormalised top-k, an ungated
shared expert). All weights F32; the tokenizer is copied from SRC (see tiny_vocab.py).
usage: tiny_moe_archs.py SRC.gguf OUT.gguf --arch qwen2moe|olmoe|granitemoe [--seed N]
       [--layers L --embd E --heads H --experts X --used K --ff F --f16]   (benchmark shapes)"""
import argparse
import numpy as np
import gguf

ap = argparse.ArgumentParser()
ap.add_argument("src"); ap.add_argument("out")
ap.add_argument("--arch", required=True, choices=["qwen2moe", "olmoe", "granitemoe"])
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--layers", type=int, default=2); ap.add_argument("--embd", type=int, default=32)
ap.add_argument("--heads", type=int, default=4); ap.add_argument("--experts", type=int, default=8)
ap.add_argument("--used", type=int, default=0); ap.add_argument("--ff", type=int, default=32)
ap.add_argument("--f16", action="store_true", help="store matrices as F16 (for llama-quantize)")
a = ap.parse_args()

layers, embd, ff_exp, experts = a.layers, a.embd, a.ff, a.experts
heads, head_dim = a.heads, a.embd // a.heads
kv_heads = {"qwen2moe": 2, "olmoe": heads, "granitemoe": 2}[a.arch]   # olmoe's k norm spans n_embd
used = a.used or {"qwen2moe": 2, "olmoe": 3, "granitemoe": 2}[a.arch]
shared_ff = {"qwen2moe": 48, "olmoe": 0, "granitemoe": 24}[a.arch]
gen = np.random.default_rng(a.seed)
def rnd(*shape, s=0.1):
    if not a.f16: return (gen.standard_normal(shape) * s).astype(np.float32)
    x = gen.standard_normal(shape, dtype=np.float32) * np.float32(s)     # fast for large shapes
    return x.astype(np.float16) if len(shape) >= 2 else x
def ones(n): return (1 + rnd(n, s=0.05)).astype(np.float32)

src = gguf.GGUFReader(a.src)
tok = {k: src.fields[k].contents() for k in src.fields if k.startswith("tokenizer.")}
vocab = len(tok["tokenizer.ggml.tokens"])

w = gguf.GGUFWriter(a.out, a.arch)
w.add_name(f"tiny-random-{a.arch}")
w.add_context_length(256); w.add_embedding_length(embd); w.add_block_count(layers)
w.add_feed_forward_length(ff_exp)
w.add_head_count(heads); w.add_head_count_kv(kv_heads)
w.add_rope_freq_base(10000.0); w.add_layer_norm_rms_eps(1e-6)
w.add_expert_count(experts); w.add_expert_used_count(used)
if a.arch == "qwen2moe":
    w.add_expert_feed_forward_length(ff_exp)
    w.add_expert_shared_feed_forward_length(shared_ff)
if a.arch == "granitemoe":
    w.add_float32("granitemoe.logit_scale", 4.0)
    w.add_float32("granitemoe.residual_scale", 0.5)
    w.add_float32("granitemoe.embedding_scale", 3.0)
    w.add_float32("granitemoe.attention.scale", 0.2)
    w.add_uint32("granitemoe.expert_shared_feed_forward_length", shared_ff)
w.add_vocab_size(vocab)
w.add_file_type(1 if a.f16 else 0)
w.add_tokenizer_model(tok["tokenizer.ggml.model"]); w.add_tokenizer_pre(tok["tokenizer.ggml.pre"])
w.add_token_list(tok["tokenizer.ggml.tokens"]); w.add_token_types(tok["tokenizer.ggml.token_type"])
w.add_token_merges(tok["tokenizer.ggml.merges"])
w.add_bos_token_id(tok["tokenizer.ggml.bos_token_id"]); w.add_eos_token_id(tok["tokenizer.ggml.eos_token_id"])
w.add_add_bos_token(False)

# numpy shapes are ggml's dims reversed: a [rows, cols] matrix has ne = (cols, rows).
w.add_tensor("token_embd.weight", rnd(vocab, embd, s=0.5).astype(np.float32))
w.add_tensor("output_norm.weight", ones(embd))
w.add_tensor("output.weight", rnd(vocab, embd))
for i in range(layers):
    p = f"blk.{i}."
    w.add_tensor(p + "attn_norm.weight", ones(embd))
    w.add_tensor(p + "attn_q.weight", rnd(heads * head_dim, embd))
    w.add_tensor(p + "attn_k.weight", rnd(kv_heads * head_dim, embd))
    w.add_tensor(p + "attn_v.weight", rnd(kv_heads * head_dim, embd))
    w.add_tensor(p + "attn_output.weight", rnd(embd, heads * head_dim))
    if a.arch == "qwen2moe":
        w.add_tensor(p + "attn_q.bias", rnd(heads * head_dim))
        w.add_tensor(p + "attn_k.bias", rnd(kv_heads * head_dim))
        w.add_tensor(p + "attn_v.bias", rnd(kv_heads * head_dim))
    if a.arch == "olmoe":
        w.add_tensor(p + "attn_q_norm.weight", ones(heads * head_dim))
        w.add_tensor(p + "attn_k_norm.weight", ones(kv_heads * head_dim))
    w.add_tensor(p + "ffn_norm.weight", ones(embd))
    w.add_tensor(p + "ffn_gate_inp.weight", rnd(experts, embd, s=0.5))
    w.add_tensor(p + "ffn_gate_exps.weight", rnd(experts, ff_exp, embd))
    w.add_tensor(p + "ffn_up_exps.weight", rnd(experts, ff_exp, embd))
    w.add_tensor(p + "ffn_down_exps.weight", rnd(experts, embd, ff_exp))
    if shared_ff:
        w.add_tensor(p + "ffn_gate_shexp.weight", rnd(shared_ff, embd))
        w.add_tensor(p + "ffn_up_shexp.weight", rnd(shared_ff, embd))
        w.add_tensor(p + "ffn_down_shexp.weight", rnd(embd, shared_ff))
    if a.arch == "qwen2moe":
        w.add_tensor(p + "ffn_gate_inp_shexp.weight", rnd(embd, s=0.5))
w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
