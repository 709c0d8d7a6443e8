//! Incremental REPL sessions (see `Session`).
