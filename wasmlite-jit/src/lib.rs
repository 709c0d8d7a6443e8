//! wasmlite-jit (placeholder: being written)
