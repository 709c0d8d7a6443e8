fn main() {
    // Compiles wasm/exceptions.wat to native code (LLVM) and links it into this binary.
    wasmlite_build::compile("wasm/exceptions.wat");
}
