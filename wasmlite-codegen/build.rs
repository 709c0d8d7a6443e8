//! Builds `cpp/versioning.cpp` (the loop-versioning pass for precise traps, and the pass
//! pipeline entry that runs it) against the C++ headers of the LLVM that llvm-sys links:
//! `$LLVM_SYS_191_PREFIX/include`, else `llvm-config-19 --includedir`, else
//! `/usr/lib/llvm-19/include`.

use std::path::PathBuf;
use std::process::Command;

fn llvm_include_dir() -> PathBuf {
    if let Some(prefix) = std::env::var_os("LLVM_SYS_191_PREFIX") {
        return PathBuf::from(prefix).join("include");
    }
    if let Ok(o) = Command::new("llvm-config-19").arg("--includedir").output() {
        if o.status.success() {
            return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        }
    }
    PathBuf::from("/usr/lib/llvm-19/include")
}

fn main() {
    println!("cargo:rerun-if-changed=cpp/versioning.cpp");
    println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
    let include = llvm_include_dir();
    if !include.join("llvm/Passes/PassBuilder.h").is_file() {
        panic!(
            "wasmlite-codegen: LLVM 19's C++ headers are not in {} (install llvm-19-dev, or set \
             LLVM_SYS_191_PREFIX to LLVM 19's prefix)",
            include.display()
        );
    }
    cc::Build::new()
        .cpp(true)
        .file("cpp/versioning.cpp")
        .include(&include)
        .std("c++17")
        .flag("-fno-rtti")
        .flag("-fno-exceptions")
        .define("_GNU_SOURCE", None)
        .define("__STDC_CONSTANT_MACROS", None)
        .define("__STDC_FORMAT_MACROS", None)
        .define("__STDC_LIMIT_MACROS", None)
        .warnings(false)
        .compile("wasmlite_versioning");
}
