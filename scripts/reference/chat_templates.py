"""Renders real chat templates with jinja2 (as transformers' apply_chat_template does) for a few
conversations and writes Tests/Fixtures/tokenizer/chat_templates.json.
Args: <llama.cpp source dir> <fixture dir>. Needs jinja2 and gguf-py (vendored in llama.cpp)."""
import datetime, json, os, sys

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

src, dest = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "gguf-py"))
from gguf import GGUFReader  # noqa: E402

TEMPLATES = os.path.join(src, "models", "templates")
FIXED_NOW = datetime.datetime(2025, 4, 2)

# Templates that ship in neither llama.cpp's templates/ nor a GGUF we have (Llama 3.0, OLMoE/Tulu,
# Mixtral v1) are not reproduced here (their sources are other projects' code): the fixture keeps
# their earlier renderings under "named" entries, carried over unchanged when regenerating.

def from_gguf(path):
    r = GGUFReader(path)
    f = r.fields["tokenizer.chat_template"]
    return bytes(f.parts[f.data[0]]).decode("utf-8")


def from_file(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
        return f.read()


# Where each source comes from, recorded in the fixture instead of the source itself.
def ref_gguf(path):
    return ("model:" + os.path.basename(path)) if path.startswith("models/") else "llama.cpp:models/" + os.path.basename(path)


def ref_file(name):
    return "llama.cpp:models/templates/" + name


# Where each case's source is read from (recorded in the fixture in place of the source).
REFS = {
    "smollm2": ref_gguf("models/SmolLM2-135M-Instruct.Q4_1.gguf"), "qwen2": ref_gguf("ggml-vocab-qwen2.gguf"),
    "qwen2.5": ref_file("Qwen-Qwen2.5-7B-Instruct.jinja"), "qwen3": ref_file("Qwen-Qwen3-0.6B.jinja"),
    "qwen3-no-thinking": ref_file("Qwen-Qwen3-0.6B.jinja"), "llama3.1": ref_file("meta-llama-Llama-3.1-8B-Instruct.jinja"),
    "llama3.2": ref_file("meta-llama-Llama-3.2-3B-Instruct.jinja"), "llama3.3": ref_file("meta-llama-Llama-3.3-70B-Instruct.jinja"),
    "granite3.3": ref_file("ibm-granite-granite-3.3-2B-Instruct.jinja"), "granite4.0": ref_file("ibm-granite-granite-4.0.jinja"),
    "mistral-nemo": ref_file("mistralai-Mistral-Nemo-Instruct-2407.jinja"),
    "mistral-small-3.2": ref_file("Mistral-Small-3.2-24B-Instruct-2506.jinja"), "gemma2-unknown": ref_file("google-gemma-2-2b-it.jinja"),
}

# name, source, family, bos, eos, extra render variables
CASES = [
    ("smollm2", from_gguf("models/SmolLM2-135M-Instruct.Q4_1.gguf"), "chatml", "<|im_start|>", "<|im_end|>", {}),
    ("qwen2", from_gguf(os.path.join(src, "models", "ggml-vocab-qwen2.gguf")), "chatml", "", "<|endoftext|>", {}),
    ("qwen2.5", from_file("Qwen-Qwen2.5-7B-Instruct.jinja"), "chatml", "", "<|im_end|>", {}),
    ("qwen3", from_file("Qwen-Qwen3-0.6B.jinja"), "chatml", "", "<|im_end|>", {}),
    ("qwen3-no-thinking", from_file("Qwen-Qwen3-0.6B.jinja"), "chatml", "", "<|im_end|>", {"enable_thinking": False}),
    ("llama3.1", from_file("meta-llama-Llama-3.1-8B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("llama3.2", from_file("meta-llama-Llama-3.2-3B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("llama3.3", from_file("meta-llama-Llama-3.3-70B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("granite3.3", from_file("ibm-granite-granite-3.3-2B-Instruct.jinja"), "granite", "", "<|end_of_text|>", {}),
    ("granite4.0", from_file("ibm-granite-granite-4.0.jinja"), "granite", "", "<|end_of_text|>", {}),
    ("mistral-nemo", from_file("mistralai-Mistral-Nemo-Instruct-2407.jinja"), "mistral", "<s>", "</s>", {}),
    ("mistral-small-3.2", from_file("Mistral-Small-3.2-24B-Instruct-2506.jinja"), "mistral", "<s>", "</s>", {}),
    ("gemma2-unknown", from_file("google-gemma-2-2b-it.jinja"), None, "<bos>", "<eos>", {}),
]

CONVERSATIONS = [
    ([{"role": "user", "content": "Hello!"}], True),
    ([{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}], True),
    ([{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"},
      {"role": "assistant", "content": "4"}, {"role": "user", "content": "  And 3+3?  "}], True),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}], False),
    ([{"role": "user", "content": "Think first."},
      {"role": "assistant", "content": "<think>\nSome reasoning.\n</think>\n\nThe answer."}], False),
]


def render(source, bos, eos, messages, gen, extra):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env.filters["tojson"] = lambda x, indent=None, **kw: json.dumps(x, indent=indent, ensure_ascii=False)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: FIXED_NOW.strftime(fmt)
    return env.from_string(source).render(messages=messages, add_generation_prompt=gen, bos_token=bos,
                                          eos_token=eos, **extra)


def main():
    path = os.path.join(dest, "chat_templates.json")
    carried = [t for t in json.load(open(path, encoding="utf-8")) if t.get("named")] if os.path.exists(path) else []
    out = []
    for name, source, family, bos, eos, extra in CASES:
        convs = []
        for messages, gen in CONVERSATIONS:
            try:
                expected = render(source, bos, eos, messages, gen, extra)
                convs.append({"messages": messages, "add_generation_prompt": gen, "expected": expected})
            except jinja2.exceptions.TemplateError as e:
                convs.append({"messages": messages, "add_generation_prompt": gen, "error": str(e)})
        out.append({"name": name, "family": family, "bos": bos, "eos": eos, "source_file": REFS[name],
                    "enable_thinking": extra.get("enable_thinking"), "date": FIXED_NOW.strftime("%d %b %Y"),
                    "granite_date": FIXED_NOW.strftime("%B %d, %Y"), "conversations": convs})
    out += carried
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(f"{len(out)} templates", file=sys.stderr)


main()
