//! wasmlite example: C code (`c/program.c`) compiled to wasm32 by clang-19 and then ahead of
//! time to native code by wasmlite in `build.rs`, called from Rust through typed bindings.

wasmlite_rt::include_wasm!("$OUT_DIR/program.wasm"); // generates `mod program`

/// CRC-32 (IEEE) in Rust, to check the wasm result.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// Allocate `bytes.len()` bytes in the module's heap and copy `bytes` there.
fn put(p: &mut program::Instance<()>, bytes: &[u8]) -> Result<i32, Box<dyn std::error::Error>> {
    let ptr = p.alloc(bytes.len() as i32)?;
    if ptr == 0 {
        return Err("wasm heap exhausted".into());
    }
    p.memory_mut().write(ptr as u32 as u64, bytes)?;
    Ok(ptr)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut p = program::Instance::new(())?;

    let text = b"The quick brown fox jumps over the lazy dog";
    let ptr = put(&mut p, text)?;
    let crc = p.crc32(ptr, text.len() as i32)? as u32;
    println!("crc32({:?}) = {crc:#010x}", std::str::from_utf8(text)?);
    assert_eq!(crc, 0x414f_a339);
    assert_eq!(crc, crc32(text));

    // Sort 100k pseudo-random numbers inside wasm (the heap grows the memory as needed).
    let mut values: Vec<i32> = Vec::with_capacity(100_000);
    let mut x = 0x2545_f491u32;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        values.push(x as i32);
    }
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let ptr = put(&mut p, &bytes)?;
    let start = std::time::Instant::now();
    p.sort_i32(ptr, values.len() as i32)?;
    let elapsed = start.elapsed();
    let sorted: Vec<i32> = p
        .memory()
        .read(ptr as u32 as u64, bytes.len())?
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    values.sort_unstable();
    assert_eq!(sorted, values);
    println!("sort_i32: sorted {} values in {elapsed:?} (memory: {} pages)", values.len(), p.memory().size_pages());

    let e0 = p.nbody(0)?;
    let start = std::time::Instant::now();
    let e1 = p.nbody(1_000_000)?;
    let elapsed = start.elapsed();
    println!("n-body: energy {e0:.9} -> {e1:.9} after 1,000,000 steps ({elapsed:?})");
    assert_eq!(format!("{e0:.9}"), "-0.169075164");
    assert_eq!(format!("{e1:.9}"), "-0.169086185");
    p.reset()?;
    Ok(())
}
