//! wasmlite-tests (placeholder: being written)
