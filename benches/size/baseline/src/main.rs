//! The runtime-size baseline: `examples/hello-plugin` without wasm (the same printing, the
//! same kinds of values through `black_box`). `../measure.sh` compares the two.
use std::hint::black_box;
#[derive(Debug)]
struct E(String);
impl std::fmt::Display for E { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(&self.0) } }
fn main() -> Result<(), E> {
    println!("instantiating the plugin (runs its start function):");
    let mut seen: Vec<String> = Vec::new();
    let bytes = black_box(b"hello".to_vec());
    let text = String::from_utf8_lossy(&bytes).into_owned();
    println!("  [plugin log] {text}");
    seen.push(text);
    let s: i32 = black_box(5);
    println!("add(2, 3) = {s}");
    let (q, r) = black_box((3, 1));
    println!("divmod(7, 2) = ({q}, {r})");
    let err = E(black_box("integer divide by zero".to_string()));
    println!("div(1, 0) trapped: {err}");
    println!("try_host() trapped: {err}");
    println!("checksum(\"wasmlite\") = {}", black_box(863));
    println!("checksum(70000, 1) trapped: {err}");
    println!("memory: {} page(s), {} bytes", black_box(1), black_box(65536));
    println!("the plugin logged {} message(s): {:?}", seen.len(), seen);
    println!("exported global `calls` = {}", black_box(3));
    if black_box(false) { return Err(err); }
    Ok(())
}
