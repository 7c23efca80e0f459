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

# Written down from the models' tokenizer_config.json (not shipped in llama.cpp's templates/).
LLAMA3_0 = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
            "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + "
            "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
            "{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")
TULU_OLMOE = ("{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ '<|system|>\\n' + "
              "message['content'] + '\\n' }}{% elif message['role'] == 'user' %}{{ '<|user|>\\n' + message['content'] + "
              "'\\n' }}{% elif message['role'] == 'assistant' %}{% if not loop.last %}{{ '<|assistant|>\\n'  + "
              "message['content'] + eos_token + '\\n' }}{% else %}{{ '<|assistant|>\\n'  + message['content'] + "
              "eos_token }}{% endif %}{% endif %}{% if loop.last and add_generation_prompt %}{{ '<|assistant|>\\n' }}"
              "{% endif %}{% endfor %}")
MIXTRAL = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
           "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
           "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] "
           "== 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant "
           "roles are supported!') }}{% endif %}{% endfor %}")


def from_gguf(path):
    r = GGUFReader(path)
    f = r.fields["tokenizer.chat_template"]
    return bytes(f.parts[f.data[0]]).decode("utf-8")


def from_file(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
        return f.read()


# name, source, family, bos, eos, extra render variables
CASES = [
    ("smollm2", from_gguf("models/SmolLM2-135M-Instruct.Q4_1.gguf"), "chatml", "<|im_start|>", "<|im_end|>", {}),
    ("qwen2", from_gguf(os.path.join(src, "models", "ggml-vocab-qwen2.gguf")), "chatml", "", "<|endoftext|>", {}),
    ("qwen2.5", from_file("Qwen-Qwen2.5-7B-Instruct.jinja"), "chatml", "", "<|im_end|>", {}),
    ("qwen3", from_file("Qwen-Qwen3-0.6B.jinja"), "chatml", "", "<|im_end|>", {}),
    ("qwen3-no-thinking", from_file("Qwen-Qwen3-0.6B.jinja"), "chatml", "", "<|im_end|>", {"enable_thinking": False}),
    ("llama3.0", LLAMA3_0, "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("llama3.1", from_file("meta-llama-Llama-3.1-8B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("llama3.2", from_file("meta-llama-Llama-3.2-3B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("llama3.3", from_file("meta-llama-Llama-3.3-70B-Instruct.jinja"), "llama3", "<|begin_of_text|>", "<|eot_id|>", {}),
    ("granite3.3", from_file("ibm-granite-granite-3.3-2B-Instruct.jinja"), "granite", "", "<|end_of_text|>", {}),
    ("granite4.0", from_file("ibm-granite-granite-4.0.jinja"), "granite", "", "<|end_of_text|>", {}),
    ("olmoe-tulu", TULU_OLMOE, "tulu", "", "<|endoftext|>", {}),
    ("mixtral-v1", MIXTRAL, "mistral", "<s>", "</s>", {}),
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
    out = []
    for name, source, family, bos, eos, extra in CASES:
        convs = []
        for messages, gen in CONVERSATIONS:
            try:
                expected = render(source, bos, eos, messages, gen, extra)
                convs.append({"messages": messages, "add_generation_prompt": gen, "expected": expected})
            except jinja2.exceptions.TemplateError as e:
                convs.append({"messages": messages, "add_generation_prompt": gen, "error": str(e)})
        out.append({"name": name, "family": family, "bos": bos, "eos": eos, "source": source,
                    "enable_thinking": extra.get("enable_thinking"), "date": FIXED_NOW.strftime("%d %b %Y"),
                    "granite_date": FIXED_NOW.strftime("%B %d, %Y"), "conversations": convs})
    with open(os.path.join(dest, "chat_templates.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(f"{len(out)} templates", file=sys.stderr)


main()
