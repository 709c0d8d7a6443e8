//! wasmlite-macros (placeholder: being written)
