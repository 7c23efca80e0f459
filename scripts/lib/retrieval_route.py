"""Writes an ask pipeline without its model stages (answer.generate, answer.frontier): the
retrieval route alone, for measurements and fits that concern only it.
Usage: python3 scripts/lib/retrieval_route.py ASK_TOML_IN ASK_TOML_OUT (the same path is fine)."""
import sys

MODEL_KINDS = ('kind = "answer.generate"', 'kind = "answer.frontier"')

src, dst = sys.argv[1], sys.argv[2]
stages = open(src).read().split("[[stage]]")
keep = [s for s in stages if not any(k in s for k in MODEL_KINDS)]
open(dst, "w").write("[[stage]]".join(keep))
