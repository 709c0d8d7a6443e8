//! wasmlite-codegen (placeholder: being written)
