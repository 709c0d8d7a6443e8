//! On-disk cache of compiled objects (like Wasmtime's CLI cache).
//!
//! An entry is keyed by SHA-256 over the wasmlite version, the ABI version, the codegen
//! [`Config`](wasmlite_codegen::Config) (its `Debug` form, with the host triple filled in),
//! the extra LLVM options (`WASMLITE_LLVM_ARGS`), the symbol prefix and the module's bytes.
//! The file `<dir>/<key>.obj` holds a header (magic, key, prefix, number of objects) followed by each object of the module (one per
//! code partition, `wasmlite_codegen::compile_objects`) with its SHA-256 and length. An entry whose magic,
//! key or checksum does not match (truncated, corrupt, written by another version, or simply
//! foreign) is ignored and rebuilt. Entries are written to a temporary file in the same
//! directory and renamed into place, so readers never see a partial entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmlite_rt::Module;

use crate::JitError;

const MAGIC: &[u8; 16] = b"wasmlite-cache\x00\x02";

/// Where an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from the cache.
    Hit,
    /// Compiled and stored.
    Stored,
    /// Compiled; the entry could not be written (the reason is in [`CompiledModule::warning`]).
    NotStored,
    /// Compiled without looking at the cache (prefix already used in this process).
    Bypassed,
}

/// Result of [`Cache::load_or_compile`].
#[derive(Debug)]
pub struct CompiledModule {
    /// The loaded module.
    pub module: Module,
    /// Whether the cache was hit.
    pub outcome: CacheOutcome,
    /// A problem with the cache that did not prevent running (unreadable entry, failed write).
    pub warning: Option<String>,
}

/// A compile cache in a directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache stored in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// `$XDG_CACHE_HOME/wasmlite`, else `$HOME/.cache/wasmlite` (`None` if neither is set).
    pub fn default_dir() -> Option<PathBuf> {
        let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(x) = nonempty("XDG_CACHE_HOME") {
            return Some(PathBuf::from(x).join("wasmlite"));
        }
        nonempty("HOME").map(|h| PathBuf::from(h).join(".cache").join("wasmlite"))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache key (64 hex digits) of `wasm` compiled with `config` under `prefix`.
    pub fn key(wasm: &[u8], prefix: &str, config: &wasmlite_codegen::Config) -> String {
        let mut config = config.clone();
        if config.target_triple.is_none() {
            config.target_triple = Some(wasmlite_codegen::host_triple());
        }
        let mut h = Sha256::new();
        h.update(b"wasmlite ");
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(wasmlite_abi::ABI_VERSION.to_le_bytes());
        // Extra LLVM options change the code too.
        let llvm_args = std::env::var(wasmlite_codegen::LLVM_ARGS_ENV).unwrap_or_default();
        for part in [format!("{config:?}").as_bytes(), llvm_args.as_bytes(), prefix.as_bytes(), wasm] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        hex(&h.finalize())
    }

    /// Path of the entry for `key`.
    pub fn entry_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.obj"))
    }

    /// Load the module from the cache, or compile it (regular mode), load it and store the
    /// object. `name` names the symbols, like [`crate::compile_module`].
    pub fn load_or_compile(
        &self,
        wasm: &[u8],
        name: &str,
        config: &wasmlite_codegen::Config,
    ) -> Result<CompiledModule, JitError> {
        let prefix = crate::engine::default_prefix(name, wasm);
        if !crate::engine::prefix_available(&prefix)? {
            let module = crate::compile_module(wasm, name, config)?;
            return Ok(CompiledModule { module, outcome: CacheOutcome::Bypassed, warning: None });
        }
        let key = Cache::key(wasm, &prefix, config);
        let path = self.entry_path(&key);
        let mut warning = None;
        match std::fs::read(&path) {
            Ok(bytes) => match parse_entry(&bytes, &key, &prefix) {
                Some(objects) => {
                    let module = crate::engine::load_compiled(&objects, &prefix)?;
                    return Ok(CompiledModule { module, outcome: CacheOutcome::Hit, warning: None });
                }
                None => warning = Some(format!("ignoring invalid cache entry {}", path.display())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => warning = Some(format!("cannot read cache entry {}: {e}", path.display())),
        }
        let objects = wasmlite_codegen::compile_objects(wasm, &prefix, config)?;
        let outcome = match self.store(&path, &key, &prefix, &objects) {
            Ok(()) => CacheOutcome::Stored,
            Err(e) => {
                warning = Some(format!("cannot write cache entry {}: {e}", path.display()));
                CacheOutcome::NotStored
            }
        };
        let module = crate::engine::load_compiled(&objects, &prefix)?;
        Ok(CompiledModule { module, outcome, warning })
    }

    fn store(&self, path: &Path, key: &str, prefix: &str, objects: &[Vec<u8>]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(&encode_entry(key, prefix, objects))?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn encode_entry<O: AsRef<[u8]>>(key: &str, prefix: &str, objects: &[O]) -> Vec<u8> {
    let size: usize = objects.iter().map(|o| o.as_ref().len() + 40).sum();
    let mut v = Vec::with_capacity(size + 256);
    v.extend_from_slice(MAGIC);
    for part in [key.as_bytes(), prefix.as_bytes()] {
        v.extend_from_slice(&(part.len() as u32).to_le_bytes());
        v.extend_from_slice(part);
    }
    v.extend_from_slice(&(objects.len() as u32).to_le_bytes());
    for o in objects {
        let o = o.as_ref();
        v.extend_from_slice(&Sha256::digest(o));
        v.extend_from_slice(&(o.len() as u64).to_le_bytes());
        v.extend_from_slice(o);
    }
    v
}

/// The objects of a well-formed entry for `key`/`prefix` (at least one), else `None`.
fn parse_entry<'a>(bytes: &'a [u8], key: &str, prefix: &str) -> Option<Vec<&'a [u8]>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (k, rest) = take_str(rest)?;
    let (p, rest) = take_str(rest)?;
    if k != key.as_bytes() || p != prefix.as_bytes() {
        return None;
    }
    let (n, mut rest) = rest.split_at_checked(4)?;
    let n = u32::from_le_bytes(n.try_into().ok()?);
    let mut objects = Vec::new();
    for _ in 0..n {
        let (sum, r) = rest.split_at_checked(32)?;
        let (len, r) = r.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let (object, r) = r.split_at_checked(len)?;
        if Sha256::digest(object).as_slice() != sum {
            return None;
        }
        objects.push(object);
        rest = r;
    }
    (rest.is_empty() && !objects.is_empty()).then_some(objects)
}

fn take_str(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = b.split_at_checked(4)?;
    let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
    rest.split_at_checked(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_round_trip_and_rejections() {
        let e = encode_entry("k1", "p", &[b"\x7fELFobject"]);
        assert_eq!(parse_entry(&e, "k1", "p"), Some(vec![&b"\x7fELFobject"[..]]));
        assert_eq!(parse_entry(&e, "k2", "p"), None, "foreign key");
        assert_eq!(parse_entry(&e, "k1", "q"), None, "foreign prefix");
        assert_eq!(parse_entry(&e[..e.len() - 1], "k1", "p"), None, "truncated");
        let mut bad = e.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert_eq!(parse_entry(&bad, "k1", "p"), None, "corrupt object");
        assert_eq!(parse_entry(b"garbage", "k1", "p"), None);
        let mut long = e.clone();
        long.push(0);
        assert_eq!(parse_entry(&long, "k1", "p"), None, "trailing bytes");
        assert_eq!(parse_entry(&encode_entry::<&[u8]>("k1", "p", &[]), "k1", "p"), None, "no object");
    }

    #[test]
    fn entry_with_several_objects() {
        let objs: [&[u8]; 3] = [b"\x7fELFfirst", b"\x7fELFsecond", b"\x7fELF3"];
        let e = encode_entry("k", "p", &objs);
        assert_eq!(parse_entry(&e, "k", "p"), Some(objs.to_vec()));
        // A flipped byte in the middle object is caught by its own checksum.
        let at = e.windows(6).position(|w| w == b"second").unwrap();
        let mut bad = e.clone();
        bad[at] ^= 1;
        assert_eq!(parse_entry(&bad, "k", "p"), None);
    }

    #[test]
    fn key_depends_on_config_and_bytes() {
        let c = wasmlite_codegen::Config::default();
        let b = wasmlite_codegen::Config { explicit_bounds_checks: true, ..Default::default() };
        assert_ne!(Cache::key(b"a", "p", &c), Cache::key(b"b", "p", &c));
        assert_ne!(Cache::key(b"a", "p", &c), Cache::key(b"a", "p", &b));
        assert_eq!(Cache::key(b"a", "p", &c), Cache::key(b"a", "p", &c));
    }
}
