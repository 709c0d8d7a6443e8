//! wasmlite-build (placeholder: being written)
