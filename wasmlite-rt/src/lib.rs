//! wasmlite-rt (placeholder: being written)
