#!/usr/bin/env python3
"""Writes a tokenizer-only GGUF with a tiny byte-level BPE vocabulary (3 control tokens, the 256
byte characters of GPT-2's byte-to-unicode table, and merges learnt from a short built-in text
up to `size` tokens), for random-weight test models whose embedding matrices must stay small.
make_tiny_moe.py copies the tokenizer of the file it is given; give it this one.
usage: tiny_vocab.py OUT.gguf [SIZE]   (needs gguf-py on PYTHONPATH)"""
import sys
from collections import Counter
import gguf

TEXT = """The capital of France is Paris. Once upon a time, in a small village by the sea, there
lived an old fisherman and his wife. What is the boiling point of water? Water boils at one hundred
degrees at sea level. The quick brown fox jumps over the lazy dog. Photosynthesis is the process by
which plants turn light into sugar. Mixture of experts models route each token to a few experts."""

def byte_chars():
    """GPT-2's printable stand-in character for each byte."""
    keep = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep: chars[b] = chr(b)
        else: chars[b] = chr(256 + extra); extra += 1
    return chars

def main():
    out, size = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 320
    bc = byte_chars()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tokens = specials + [bc[b] for b in range(256)]
    words = [[bc[b] for b in w.encode()] for w in TEXT.replace("\n", " ").replace(" ", " Ġ").split(" ") if w]
    words = [[c if c != "Ġ" else bc[32] for c in w] for w in words]
    merges = []
    while len(tokens) < size:
        pairs = Counter((a, b) for w in words for a, b in zip(w, w[1:]))
        if not pairs: break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append(f"{a} {b}"); tokens.append(a + b)
        for w in words:
            i = 0
            while i < len(w) - 1:
                if w[i] == a and w[i + 1] == b: w[i:i + 2] = [a + b]
                i += 1
    w = gguf.GGUFWriter(out, "llama")
    w.add_tokenizer_model("gpt2"); w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types([3] * len(specials) + [1] * (len(tokens) - len(specials)))
    w.add_token_merges(merges)
    w.add_bos_token_id(1); w.add_eos_token_id(2); w.add_unk_token_id(0); w.add_pad_token_id(0)
    w.add_add_bos_token(False)
    w.add_chat_template("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    print(f"wrote {out}: {len(tokens)} tokens, {len(merges)} merges", file=sys.stderr)

main()
