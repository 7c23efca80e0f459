// Module Tokenizer: see DESIGN.md for what it owns.
