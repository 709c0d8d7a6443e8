//! The only module that touches the runtime's memory API: checked access to the guest's
//! memory 0. Every out-of-range pointer becomes [`Errno::FAULT`]; nothing here can index out
//! of bounds on the host.

use wasmlite_rt::{Caller, Memory, Trap};

use crate::types::Errno;

/// The calling instance's memory 0 for the duration of one WASI call.
pub(crate) struct GuestMem<'a> {
    mem: &'a mut Memory,
}

/// Run `f` with the caller's memory 0. No memory → a `Host` trap (a WASI module must have one).
pub(crate) fn with_memory<R>(caller: &mut Caller<'_>, f: impl FnOnce(&mut GuestMem<'_>) -> R) -> Result<R, Trap> {
    #[allow(unused_mut)] // `mut` is needed once `Caller::memory` returns a guard
    let mut m = caller.memory().map_err(|_| Trap::host("WASI function called by an instance without a linear memory"))?;
    let mut g = GuestMem { mem: &mut *m };
    Ok(f(&mut g))
}

/// An iovec: (guest pointer, length).
pub(crate) type IoVec = (u32, u32);

impl GuestMem<'_> {
    fn range(&self, ptr: u32, len: u32) -> Result<core::ops::Range<usize>, Errno> {
        let end = ptr as u64 + len as u64;
        if end > self.mem.data().len() as u64 {
            return Err(Errno::FAULT);
        }
        Ok(ptr as usize..end as usize)
    }

    /// `len` bytes at `ptr`.
    pub(crate) fn bytes(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        self.mem.data().get(r).ok_or(Errno::FAULT)
    }

    /// `len` bytes at `ptr`, mutable.
    pub(crate) fn bytes_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        self.mem.data_mut().get_mut(r).ok_or(Errno::FAULT)
    }

    /// Copy `bytes` to `ptr`.
    pub(crate) fn write_bytes(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::FAULT)?;
        self.bytes_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    fn array<const N: usize>(&self, ptr: u32) -> Result<[u8; N], Errno> {
        let b = self.bytes(ptr, N as u32)?;
        b.try_into().map_err(|_| Errno::FAULT)
    }

    pub(crate) fn read_u8(&self, ptr: u32) -> Result<u8, Errno> {
        Ok(self.array::<1>(ptr)?[0])
    }
    pub(crate) fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }
    pub(crate) fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }
    pub(crate) fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }
    pub(crate) fn write_u8(&mut self, ptr: u32, v: u8) -> Result<(), Errno> {
        self.write_bytes(ptr, &[v])
    }
    pub(crate) fn write_u16(&mut self, ptr: u32, v: u16) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }
    pub(crate) fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }
    pub(crate) fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    /// The `len` iovecs (`{buf: u32, buf_len: u32}`) at `ptr`, each checked to lie in memory.
    pub(crate) fn iovecs(&self, ptr: u32, len: u32) -> Result<Vec<IoVec>, Errno> {
        let table = self.bytes(ptr, len.checked_mul(8).ok_or(Errno::FAULT)?)?;
        let mut v = Vec::with_capacity(len as usize);
        for c in table.chunks_exact(8) {
            let buf = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let n = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            self.range(buf, n)?;
            v.push((buf, n));
        }
        Ok(v)
    }
}
