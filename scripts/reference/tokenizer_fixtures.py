"""Writes one JSON fixture per vocabulary with llama.cpp's ids (via the llama_cpp bindings,
i.e. llama_tokenize with add_special=True) for every test text.
Args: <llama.cpp source dir> <fixture dir> [name...] (only those vocabularies when names are given)."""
import ctypes, glob, json, os, sys

import llama_cpp

sys.path.insert(0, os.path.dirname(__file__))
from tokenizer_strings import CODER, INVALID_UTF8, OWN, SPECIAL, random_texts

src, dest, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
models = os.path.join(src, "models")

# name -> (gguf path, relative to the cache's models/ or the repo, kv overrides)
VOCABS = {
    "smollm2": ("models/SmolLM2-135M-Instruct.Q4_1.gguf", {}),
    "qwen2.5-coder": ("models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", {}),
    "gpt-2": ("ggml-vocab-gpt-2.gguf", {}),
    "gpt-neox-default": ("ggml-vocab-gpt-neox.gguf", {}),
    "llama-bpe": ("ggml-vocab-llama-bpe.gguf", {}),
    "qwen2": ("ggml-vocab-qwen2.gguf", {}),
    "qwen35": ("ggml-vocab-qwen35.gguf", {}),
    "deepseek-llm": ("ggml-vocab-deepseek-llm.gguf", {}),
    "deepseek-coder": ("ggml-vocab-deepseek-coder.gguf", {}),
    "falcon": ("ggml-vocab-falcon.gguf", {}),
    "mpt": ("ggml-vocab-mpt.gguf", {}),
    "refact": ("ggml-vocab-refact.gguf", {}),
    "starcoder": ("ggml-vocab-starcoder.gguf", {}),
    "command-r": ("ggml-vocab-command-r.gguf", {}),
    "gpt-4o-on-llama-bpe": ("ggml-vocab-llama-bpe.gguf", {"tokenizer.ggml.pre": "gpt-4o"}),
    "tekken-on-llama-bpe": ("ggml-vocab-llama-bpe.gguf", {"tokenizer.ggml.pre": "tekken"}),
    "olmo-on-gpt-neox": ("ggml-vocab-gpt-neox.gguf", {"tokenizer.ggml.pre": "olmo"}),
    "llama-spm": ("ggml-vocab-llama-spm.gguf", {}),
    "phi-3": ("ggml-vocab-phi-3.gguf", {}),
    "baichuan": ("ggml-vocab-baichuan.gguf", {}),
}


def inputs(extra=()):
    with open(os.path.join(models, "ggml-vocab-gpt-2.gguf.inp"), encoding="utf-8") as f:
        shared = f.read().split("\n__ggml_vocab_test__\n")
    if shared and shared[-1].endswith("\n__ggml_vocab_test__"):
        shared[-1] = shared[-1][: -len("\n__ggml_vocab_test__")]
    seen, texts = set(), []
    for t in OWN + list(extra) + shared:
        if t not in seen:
            seen.add(t)
            texts.append(t)
    return texts


def detokenize(llm, ids, special):
    """llama_detokenize(remove_special=False, unparse_special=special), as raw bytes."""
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    arr = (llama_cpp.llama_token * max(len(ids), 1))(*ids)
    size = 64 + 16 * len(ids)
    while True:
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, special)
        if n >= 0:
            return buf.raw[:n]
        size = -n + 1


def control_texts(llm):
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    out = []
    for i in range(llama_cpp.llama_vocab_n_tokens(vocab)):
        if llama_cpp.llama_vocab_get_attr(vocab, i) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL:
            t = llama_cpp.llama_vocab_get_text(vocab, i).decode("utf-8", "replace")
            if t and "PAD" not in t:
                out.append(t)
    # Prefer chat-looking markers, then any.
    out.sort(key=lambda t: (0 if ("|" in t or t.startswith("<")) else 1, len(t)))
    return out


def main():
    corpus = sorted(glob.glob("corpus/**/*.md", recursive=True), key=lambda p: (-os.path.getsize(p), p))
    long_text = open(corpus[0], encoding="utf-8").read() if corpus else ""
    os.makedirs(dest, exist_ok=True)
    for name, (path, overrides) in VOCABS.items():
        if only and name not in only:
            continue
        coder = name == "qwen2.5-coder"
        texts = inputs(CODER if coder else ())
        full = path if path.startswith("models/") else os.path.join(models, path)
        if not os.path.exists(full):
            print(f"skip {name}: {full} missing", file=sys.stderr)
            continue
        llm = llama_cpp.Llama(model_path=full, vocab_only=True, verbose=False, kv_overrides=overrides or None)
        cases = []
        for t in texts:
            ids = llm.tokenize(t.encode("utf-8"), add_bos=True, special=False)
            cases.append({"text": t, "parse_special": False, "ids": ids,
                          "decoded": detokenize(llm, ids, False).decode("utf-8", "replace"),
                          "decoded_special": detokenize(llm, ids, True).decode("utf-8", "replace")})
        ctl = control_texts(llm)
        if ctl:
            a, b = ctl[0], ctl[1] if len(ctl) > 1 else ctl[0]
            for pattern in SPECIAL:
                t = pattern.format(a, b)
                for special in (True, False):
                    cases.append({"text": t, "parse_special": special,
                                  "ids": llm.tokenize(t.encode("utf-8"), add_bos=True, special=special)})
        for t in (CODER if coder else []):
            if "<|" in t:
                cases.append({"text": t, "parse_special": True,
                              "ids": llm.tokenize(t.encode("utf-8"), add_bos=True, special=True)})
        for t in random_texts():
            cases.append({"text": t, "parse_special": False,
                          "ids": llm.tokenize(t.encode("utf-8"), add_bos=True, special=False)})
        raw = [{"bytes": list(b), "ids": llm.tokenize(b, add_bos=True, special=False)} for b in INVALID_UTF8]
        doc = {"vocab": os.path.basename(path), "overrides": overrides, "cases": cases, "bytes_cases": raw}
        if name in ("smollm2", "llama-bpe", "llama-spm", "qwen2", "qwen2.5-coder") and long_text:
            doc["long_text"] = {"file": corpus[0], "ids": llm.tokenize(long_text.encode("utf-8"), add_bos=True, special=False)}
        with open(os.path.join(dest, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        print(f"{name}: {len(cases)} cases", file=sys.stderr)
        del llm


main()
