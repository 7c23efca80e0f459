// Module Corpus: see DESIGN.md for what it owns.
