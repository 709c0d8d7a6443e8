fn main() {
    // Compiles wasm/plugin.wat to native code (LLVM) and links it into this binary.
    wasmlite_build::compile("wasm/plugin.wat");
}
