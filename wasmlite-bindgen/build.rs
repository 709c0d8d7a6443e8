//! Marks this crate's build of the macro crate's generator sources (`wasmlite_bindgen`), so
//! their unit tests, which need the proc-macro crate itself, are left out.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasmlite_bindgen)");
    println!("cargo::rustc-cfg=wasmlite_bindgen");
}
