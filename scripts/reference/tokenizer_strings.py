"""The texts every tokenizer fixture covers: llama.cpp's shared vocab test inputs (read from the
vendored llama.cpp models/ggml-vocab-gpt-2.gguf.inp) plus our own set below."""

OWN = [
    "",
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure you're right: we've seen they'll say he'd known IT'S DON'T We'Re",
    "Numbers: 0 7 42 123 1234 12345 123456789 3.14159 -273.15 1,000,000 1e-9 0x1F 2024-11-23",
    "1234567890123456789012345678901234567890",
    "Price: $19.99 (€17,50) ¥2000 £5 — 50% off!!!",
    "func encode(_ text: String) -> [Int32] {\n    return text.utf8.map { Int32($0) }\n}\n",
    "def f(x):\n\tif x > 0:\n\t\treturn x ** 2\n\treturn None\n",
    "    indented four spaces\n        eight spaces\n",
    "tabs\tbetween\t\twords\t\t\tand\ttrailing\t",
    "line one\nline two\n\nline four\n\n\n\nline eight",
    "windows\r\nline\r\nendings\r\n",
    "mixed \t \n \r\n whitespace   \n\n  ",
    "   leading and trailing   ",
    "a  b   c    d     e      f",
    "café naïve résumé façade jalapeño Äpfel Öl Übermut straße",
    "e\u0301 (e + combining acute) vs \u00e9; n\u0303; a\u0308\u0304",
    "Ελληνικά κείμενα με τόνους.",
    "Русский текст: съешь же ещё этих мягких французских булок.",
    "中文测试：你好，世界！这是一个分词器测试。",
    "日本語のテキスト、カタカナとひらがな。漢字も。",
    "한국어 텍스트 테스트입니다.",
    "مرحبا بالعالم، هذا اختبار.",
    "עברית מימין לשמאל",
    "नमस्ते दुनिया, यह एक परीक्षण है।",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Emoji: 👋 🦙 🚀🔥 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️",
    "Math: ∑ᵢ xᵢ² ≤ ∞, ∀ε>0 ∃δ; ½ ¾ ² ³ ⅓ Ⅻ",
    "Symbols: © ® ™ § ¶ † ‡ • … ‰ ′ ″ ← → ↔ ⇒ ✓ ✗",
    "Quotes: “double” ‘single’ «guillemets» „low“ 'ascii' \"ascii\"",
    "URL https://example.com/path?q=1&r=two#frag and email a.b@example.org",
    "{\"key\": [1, 2.5, true, null], \"nested\": {\"a\": \"b\"}}",
    "<html><body><p class=\"x\">Hello &amp; bye</p></body></html>",
    "SELECT id, name FROM users WHERE age >= 21 ORDER BY name;",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "!!!!!!?????......------======******",
    "snake_case camelCase PascalCase kebab-case SCREAMING_CASE",
    "CamelCaseWordsLikeThisOne and ÀÉÎÕÜ ÉCOLE École",
    "Zero\u200bwidth\u200cjoiners\u200d and\u00a0no-break\u2003em\u3000ideographic spaces",
    "Control chars: \u0001\u0002\u001f\u007f end",
    "Private use \ue000 and unassigned \u0378 and replacement \ufffd",
    "Astral: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𠜎𠜱 𓀀",
    "it's a 'quoted' phrase, isn't it? Yes ' it is .",
    " ,  .  !  ? hello , world . ' s",
    "\n",
    " ",
    "\t",
    "\u00a0",
    "9",
    "a",
]

# Texts wrapped around a vocabulary's own control tokens (filled in per vocabulary) and parsed
# with parse_special; {0}, {1} are two control-token texts.
SPECIAL = [
    "{0}",
    "{0}user\nHello there{1}\n",
    "text before{0}text after",
    "  {0}  spaced  {1}  ",
    "{0}{1}{0}",
    "not special: <|fake|> <s> </s> [INST]",
]


def random_texts(count=150, seed=20261123):
    """Deterministic random mixes of the character classes the pre-tokenizers treat differently."""
    import random
    rng = random.Random(seed)
    pools = [
        "abcxyzABCXYZ", "éÉßøÅçñüÖ", "αβΓΔжЖюЯ", "中文字日本語", "한국어", "ابت", "אבג", "नमस्", "ไทย",
        "0123456789", "٠١٢٣", "²³½Ⅻ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u200b",
        ".,;:!?", "'\"`", "-_/\\|", "()[]{}<>", "$%&*+=^~@#", "…—–“”‘’«»", "€£¥©®™", "∑∞≤→✓",
        "\u0301\u0308", "🦙🚀👍🏽", "👨‍👩‍👧", "'s", "'S", "'re", "'ll", "'d", "'t", "'ve", "'m",
        "\u0378", "\ue000", "\u0001\u001f",
    ]
    out = []
    for _ in range(count):
        n = rng.randint(1, 12)
        out.append("".join(rng.choice(rng.choice(pools)) if rng.random() < 0.7 else rng.choice(pools)
                           for _ in range(n)))
    return out


# Invalid UTF-8 inputs (raw bytes), read by llama.cpp as U+FFFD per bad byte.
INVALID_UTF8 = [
    b"abc\xffdef", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82 euro", b"\xf0\x9f\xa6", b"\x80\x80x",
    b"ok \xed\xa0\x80 surrogate", b"\xc0\xaf overlong", b"\xf8\x88\x80\x80\x80", b"caf\xe9 latin-1",
]


# Extra texts for the Qwen2.5-Coder vocabulary (Nerve's default model): code as it is asked about,
# whitespace runs, digit runs (qwen2 splits every digit), scripts and marks, and ChatML. Texts with
# "<|" are also tokenized with parse_special (their special tokens then become single ids).
CODER = [
    "import os\nfrom pathlib import Path\n\n\n@dataclass(frozen=True)\nclass Config:\n    root: Path = Path(\".\")\n"
    "    retries: int = 3\n\n    def load(self) -> dict[str, str]:\n        # read key=value lines\n"
    "        return {k.strip(): v.strip() for k, v in (l.split(\"=\", 1) for l in open(self.root / \"env\"))}\n",
    "print(f\"{name!r:>10} took {elapsed:.3f}s ({count:,} items, {ratio:.1%})\")\n",
    "async def fetch(url: str, *, timeout: float = 2.5) -> bytes:\n    async with session.get(url) as r:\n"
    "        return await r.read()  # noqa: E501\n",
    "struct Cache<Key: Hashable, Value>: Sendable where Value: Sendable {\n    private var items: [Key: Value] = [:]\n"
    "    mutating func insert(_ v: Value, for k: Key) { items[k] = v }\n}\nlet x = \"\\(a) + \\(b) = \\(a + b)\"\n",
    "guard let url = URL(string: s), !url.path.isEmpty else { throw NerveError.badURL(s) }\n",
    "#!/usr/bin/env bash\nset -euo pipefail\nfor f in $(find . -name '*.log' -mtime +7); do\n  gzip -9 \"$f\" && echo \"zipped $f\" >&2\ndone\n"
    "cat <<'EOF' | grep -v '^#' | sort -u | wc -l\n# comment\nb\na\nEOF\n",
    "du -ah /var/log 2>/dev/null | sort -rh | head -n 5 && ls -la ~/.cache/nerve/{wheels,models}",
    "x" + " " * 17 + "y" + "\t" * 5 + "z",
    "\n\n\n\n\n\n\n\nafter eight newlines",
    "trailing spaces   \nand tabs\t\t\n \n \n\t\n",
    "        return value  \n\n    \n",
    "3.141592653589793 1,234,567.89 v2.5.1 0xDEADBEEF 1e+308 -0.0 ½ 2024年11月23日 ١٢٣ 𝟙𝟚𝟛",
    "000000000000000000001 and 99999999999999999999999",
    "# 计算平均值\ndef 平均(数值):\n    return sum(数值) / len(数值)  # 返回浮点数\n",
    "日本語とEnglishが混ざった文章です。Swiftで書きました！",
    "The word مرحبا means hello; שלום עולם 123 is Hebrew; ⁦RTL⁩ isolate and \u202eoverride\u202c.",
    "Crème brûlée à la carte — naïveté, Ångström, Øresund, Dvořák, Łódź, Ærø, ﬁnance (ligature)",
    "emoji in code: let s = \"🚀 launch 👩🏽‍💻 done ✅\"; // ❤️‍🔥",
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
    "<|im_start|>assistant\n",
    "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n    return c<|fim_middle|>",
    "text<|endoftext|>more text <|im_end|><|im_end|> and <|im_start|> at the end <|im_start|>",
    "fake markers: <|im_sta rt|> <|notatoken|> <im_start> |im_end| <|im_end| <|endoftext>",
]
