//! [`StaticModuleInfo`]: a module's [`ModuleInfo`] as static data.
//!
//! `include_wasm!` emits one of these for its module: every list of the `ModuleInfo` borrows
//! static data ([`crate::List`] is a `Cow`), so an ahead-of-time binary neither decodes the
//! descriptor's `postcard` bytes (no decoder is linked) nor copies anything when it loads the
//! module. [`StaticModuleInfo::info_hash`] ties it to the descriptor: the runtime compares it
//! with [`info_hash`] of the descriptor's bytes.

use crate::info::ModuleInfo;

/// A module's [`ModuleInfo`] as a constant, with the fingerprint of its encoding.
#[derive(Clone, Debug)]
pub struct StaticModuleInfo {
    /// [`info_hash`] of the encoding of `info`.
    pub info_hash: u64,
    /// The module's description (every list borrowed).
    pub info: ModuleInfo,
}

/// 64-bit FNV-1a of `bytes`: the fingerprint of a `ModuleInfo` encoding that ties a
/// [`StaticModuleInfo`] to its descriptor.
pub fn info_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
